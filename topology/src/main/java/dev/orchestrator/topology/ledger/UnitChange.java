package dev.orchestrator.topology.ledger;

import dev.orchestrator.avro.DataUnitState;
import dev.orchestrator.topology.model.Capacity;

/**
 * One audited change of a unit: its sequence (from 1, per unit, gapless), what happened, and the
 * state, health and use before and after. A placement's decision record carries it, so the decision
 * is the unit's audit event too; lifecycle and health changes are written to the audit topic.
 */
public record UnitChange(String unitId, long sequence, String action, DataUnitState stateBefore, boolean healthyBefore,
                         DataUnitState stateAfter, boolean healthyAfter, Capacity usedBefore, Capacity usedAfter,
                         Capacity capacity, String providerId, String region, boolean created) {
}
