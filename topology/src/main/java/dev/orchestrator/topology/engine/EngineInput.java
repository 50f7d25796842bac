package dev.orchestrator.topology.engine;

import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.ExecutionOutcome;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.avro.Sla;
import dev.orchestrator.avro.Telemetry;
import dev.orchestrator.topology.routing.Routed;

/**
 * Everything the engine task reads, one type per source topic, so the task handles a sealed set of
 * inputs instead of raw objects. A value may be null: a tombstone, meaningful only on the compacted
 * policy and SLA topics.
 */
public sealed interface EngineInput {
    /** The value as read, or null for a tombstone. */
    Object value();

    record DemandIn(Demand value) implements EngineInput {
    }

    record UnitEventIn(DataUnitEvent value) implements EngineInput {
    }

    record TelemetryIn(Telemetry value) implements EngineInput {
    }

    record PolicyIn(Policy value) implements EngineInput {
    }

    record SlaIn(Sla value) implements EngineInput {
    }

    record OutcomeIn(ExecutionOutcome value) implements EngineInput {
    }

    record RoutedIn(Routed value) implements EngineInput {
    }
}
