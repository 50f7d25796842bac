package dev.orchestrator.topology.model;

import java.util.Map;

/**
 * The demand moved to the task of partition {@code to} (placed there, or its allocation followed its
 * unit). {@code unitSequences} keeps the audit sequences this task's units reached through it, so a
 * restart never numbers a unit's changes twice. {@code preemptedAt} is when it was last preempted (0: never), so a
 * restart still counts the preemption against its consumer's disruption budget here.
 */
public record Moved(String demandId, String consumerId, int to, Map<String, Long> unitSequences, long preemptedAt)
        implements DemandRecord {
    public Moved {
        unitSequences = Map.copyOf(unitSequences);
    }

    public Moved(final String demandId, final String consumerId, final int to, final Map<String, Long> unitSequences) {
        this(demandId, consumerId, to, unitSequences, 0);
    }
}
