package dev.orchestrator.topology.model;

import java.util.Map;

/**
 * The demand moved to the task of partition {@code to} (placed there, or its allocation followed its
 * unit). {@code unitSequences} keeps the audit sequences this task's units reached through it, so a
 * restart never numbers a unit's changes twice.
 */
public record Moved(String demandId, String consumerId, int to, Map<String, Long> unitSequences) implements DemandRecord {
    public Moved {
        unitSequences = Map.copyOf(unitSequences);
    }
}
