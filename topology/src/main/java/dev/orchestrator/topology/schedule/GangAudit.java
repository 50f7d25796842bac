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
 * decisions; used by {@code verify} and the property tests. The minimum a group is held to is the one its
 * placed members named (a member naming another than its gang's is refused, never placed; one arriving
 * after its gang was placed is placed alone whatever it names, so the smallest counts).
 */
public final class GangAudit {
    private record Member(String group, int minMembers) {
    }

    private final Map<String, Member> members = new HashMap<>();
    private final Set<String> groups = new HashSet<>();
    private final Set<String> placed = new HashSet<>();

    /** Demand {@code demandId} asked to be placed with group {@code groupKey} of at least {@code minMembers}. */
    public void member(final String demandId, final String groupKey, final int minMembers) {
        members.put(demandId, new Member(groupKey, minMembers));
        groups.add(groupKey);
    }

    /** Demand {@code demandId} was placed (a PLACED decision). */
    public void placed(final String demandId) {
        placed.add(demandId);
    }

    public int groups() {
        return groups.size();
    }

    /** Groups whose members placed number more than none but fewer than the minimum, described. */
    public List<String> violations() {
        final Map<String, int[]> byGroup = new TreeMap<>();
        for (final String demandId : placed) {
            final Member member = members.get(demandId);
            if (member != null) {
                final int[] tally = byGroup.computeIfAbsent(member.group(), g -> new int[] {0, Integer.MAX_VALUE});
                tally[0]++;
                tally[1] = Math.min(tally[1], member.minMembers());
            }
        }
        final List<String> out = new ArrayList<>();
        byGroup.forEach((group, tally) -> {
            if (tally[0] < tally[1]) {
                out.add("group " + group + ": " + tally[0] + " of its members placed, fewer than its minimum " + tally[1]
                        + " (a gang is placed whole or not at all)");
            }
        });
        return out;
    }
}
