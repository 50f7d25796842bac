package dev.orchestrator.topology.model;

import java.util.Map;

/**
 * The demand moved to the task of partition {@code to} (placed there, or its allocation followed its
 * unit). {@code unitSequences} keeps the audit sequences this task's units reached through it, so a
 * restart never numbers a unit's changes twice. {@code preemptedAt} is when it was last preempted (0: never), so a
 * restart still counts the preemption against its consumer's disruption budget here. A member of a gang handed
 * whole to {@code to} keeps its gang's key and deadline ({@code gangKey}, {@code gangUntil}; null and 0 otherwise),
 * so after a restart members arriving later still follow the gang there.
 */
public record Moved(String demandId, String consumerId, int to, Map<String, Long> unitSequences, long preemptedAt,
                    String gangKey, long gangUntil) implements DemandRecord {
    public Moved {
        unitSequences = Map.copyOf(unitSequences);
    }

    public Moved(final String demandId, final String consumerId, final int to, final Map<String, Long> unitSequences,
                 final long preemptedAt) {
        this(demandId, consumerId, to, unitSequences, preemptedAt, null, 0);
    }

    public Moved(final String demandId, final String consumerId, final int to, final Map<String, Long> unitSequences) {
        this(demandId, consumerId, to, unitSequences, 0);
    }

    /** This pointer for a member of the gang {@code key} handed to {@code to} until {@code until}. */
    public Moved withGang(final String key, final long until) {
        return new Moved(demandId, consumerId, to, unitSequences, preemptedAt, key, until);
    }
}
