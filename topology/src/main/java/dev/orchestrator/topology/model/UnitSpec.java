package dev.orchestrator.topology.model;

/** A data unit's registration in canonical units; price per hour in base micro-units. */
public record UnitSpec(String unitId, String providerId, UnitKind kind, String region, String pool,
                       Capacity capacity, long pricePerHourMicros, double advertisedLatencyMillis,
                       double advertisedAvailability) {
}
