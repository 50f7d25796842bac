package dev.orchestrator.topology.schedule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks gangs on committed output: of each group's members, either none was ever placed or at least
 * its minimum were. Members are named by the demands (their group key and minimum), placements by the
 * decisions; used by {@code verify} and the property tests.
 */
public final class GangAudit {
    private final Map<String, String> groupOf = new HashMap<>();
    private final Map<String, Integer> minimum = new TreeMap<>();
    private final Set<String> placed = new HashSet<>();

    /** Demand {@code demandId} asked to be placed with group {@code groupKey} of at least {@code minMembers}. */
    public void member(final String demandId, final String groupKey, final int minMembers) {
        groupOf.put(demandId, groupKey);
        minimum.merge(groupKey, minMembers, Math::max);
    }

    /** Demand {@code demandId} was placed (a PLACED decision). */
    public void placed(final String demandId) {
        placed.add(demandId);
    }

    public int groups() {
        return minimum.size();
    }

    /** Groups whose members placed number more than none but fewer than the minimum, described. */
    public List<String> violations() {
        final Map<String, Integer> count = new HashMap<>();
        for (final String demandId : placed) {
            final String group = groupOf.get(demandId);
            if (group != null) {
                count.merge(group, 1, Integer::sum);
            }
        }
        final List<String> out = new ArrayList<>();
        minimum.forEach((group, min) -> {
            final int n = count.getOrDefault(group, 0);
            if (n > 0 && n < min) {
                out.add("group " + group + ": " + n + " of its members placed, fewer than its minimum " + min
                        + " (a gang is placed whole or not at all)");
            }
        });
        return out;
    }
}
