package dev.orchestrator.topology.scoring;

import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.model.UnitFacts;

/** Drops a unit that cannot serve the demand, saying why. */
public interface Filter {
    String name();

    /** The reason a removal reports when it decides the demand's fate. */
    ReasonCode reason();

    /** True when the unit passes. */
    boolean test(ScoringContext context, UnitFacts unit);
}
