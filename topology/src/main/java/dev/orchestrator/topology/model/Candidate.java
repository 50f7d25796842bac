package dev.orchestrator.topology.model;

import dev.orchestrator.avro.ScoreEntry;
import java.util.Map;

/**
 * One line of a decision's explanation, kept with the allocation: a unit's total score and each
 * scorer's normalized contribution, or the filter that removed it.
 */
public record Candidate(String unitId, double total, Map<String, Double> contributions, String filteredBy) {
    public Candidate {
        contributions = Map.copyOf(contributions);
    }

    public static Candidate removed(final String unitId, final String filter) {
        return new Candidate(unitId, 0.0, Map.of(), filter);
    }

    public ScoreEntry toAvro() {
        return new ScoreEntry(unitId, total, Map.copyOf(contributions), filteredBy);
    }
}
