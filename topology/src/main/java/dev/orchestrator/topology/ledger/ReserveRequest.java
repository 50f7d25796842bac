package dev.orchestrator.topology.ledger;

import dev.orchestrator.topology.model.Capacity;

/** A decision's ask to the ledger: hold {@code capacity} on one unit for one allocation. */
public record ReserveRequest(String allocationId, String demandId, String consumerId, String unitId,
                             Capacity capacity, long maxPricePerHourMicros, long durationMillis, String commandId) {
}
