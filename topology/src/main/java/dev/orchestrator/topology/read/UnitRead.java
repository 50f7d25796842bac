package dev.orchestrator.topology.read;

/**
 * A unit as its task holds it now: offer, lifecycle state, health and use. {@code allocations}
 * counts what it holds, migration targets included.
 */
public record UnitRead(String unitId, String providerId, String kind, String region, String pool, String state,
                       boolean healthy, boolean allocatable, CapacityRead capacity, CapacityRead used, CapacityRead free,
                       long pricePerHourMicros, double latencyMillis, double availability, long lastHeartbeat,
                       int allocations) {
}
