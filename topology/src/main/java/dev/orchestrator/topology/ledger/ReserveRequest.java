package dev.orchestrator.topology.ledger;

import dev.orchestrator.topology.model.Capacity;

/**
 * A decision's ask to the ledger: hold {@code capacity} on one unit for one allocation, within a
 * price cap, keeping to the SLA targets (infinity and 0 when best effort).
 */
public record ReserveRequest(String allocationId, String demandId, String consumerId, String unitId,
                             Capacity capacity, long maxPricePerHourMicros, long durationMillis, String commandId,
                             double slaMaxLatencyMillis, double slaMinAvailability) {
    public static final double NO_LATENCY_TARGET = Double.MAX_VALUE;
}
