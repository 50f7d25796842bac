package dev.orchestrator.topology.scoring;

import dev.orchestrator.topology.model.UnitFacts;

/**
 * Rates a feasible unit; higher is better. Raw values are normalized to [0, 1] across the candidates
 * of one demand (min-max), so scorers with different units can be weighted against each other.
 */
public interface Scorer {
    String name();

    double raw(ScoringContext context, UnitFacts unit);
}
