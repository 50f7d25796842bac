package dev.orchestrator.topology.ledger;

import dev.orchestrator.topology.lifecycle.OperatorState;
import dev.orchestrator.topology.model.UnitSpec;
import dev.orchestrator.topology.telemetry.Health;

/** A unit's record as stored, without its reservations, which are stored one entry each. */
public record UnitHeader(UnitSpec spec, OperatorState operatorState, Health health, long auditSequence) {
    static UnitHeader of(final UnitRecord unit) {
        return new UnitHeader(unit.spec(), unit.operatorState(), unit.health(), unit.auditSequence());
    }
}
