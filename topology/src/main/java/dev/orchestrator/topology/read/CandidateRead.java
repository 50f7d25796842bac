package dev.orchestrator.topology.read;

import java.util.Map;

/** One line of a decision's explanation: a unit's total score and each scorer's part, or the filter that removed it. */
public record CandidateRead(String unitId, double total, Map<String, Double> contributions, String filteredBy) {
}
