package dev.orchestrator.topology.ledger;

import dev.orchestrator.topology.lifecycle.OperatorState;
import dev.orchestrator.topology.model.UnitSpec;
import dev.orchestrator.topology.telemetry.Health;

/**
 * A unit as stored: spec, operator state, health and audit sequence, without its reservations (which
 * the allocation records hold). Written on registration, lifecycle and health changes, and behind
 * heartbeats; never for a reservation.
 */
public record UnitHeader(UnitSpec spec, OperatorState operatorState, Health health, long auditSequence) {
}
