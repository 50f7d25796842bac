package dev.orchestrator.topology.model;

/** What scoring sees of a unit: a possibly stale copy the ledger publishes after every change. */
public record UnitView(String unitId, String providerId, UnitKind kind, String region, String pool,
                       Capacity capacity, Capacity free, long pricePerHourMicros, String state,
                       boolean allocatable, double latencyMillis, double availability, int allocations) {
}
