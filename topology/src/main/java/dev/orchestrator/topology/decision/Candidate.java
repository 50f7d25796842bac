package dev.orchestrator.topology.decision;

import dev.orchestrator.avro.ScoreEntry;
import java.util.List;
import java.util.Map;

/** One line of a decision's explanation, kept with the allocation until its result is published. */
public record Candidate(String unitId, double total, Map<String, Double> contributions, String filteredBy) {
    public static List<Candidate> of(final List<ScoreEntry> entries) {
        return entries.stream().map(e -> new Candidate(e.getDataUnitId(), e.getTotal(), Map.copyOf(e.getContributions()),
                e.getFilteredBy())).toList();
    }

    public ScoreEntry toAvro() {
        return new ScoreEntry(unitId, total, Map.copyOf(contributions), filteredBy);
    }
}
