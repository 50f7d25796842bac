package dev.orchestrator.topology.model;

/** A data unit's registration in canonical units; price per hour in base micro-units. */
public record UnitSpec(String unitId, String providerId, UnitKind kind, String region, String pool,
                       Capacity capacity, long pricePerHourMicros, double advertisedLatencyMillis,
                       double advertisedAvailability, long priceFloorMicros, long priceCapMicros) {
    /** A cap of 0 (or none stored, from before caps existed) is no cap. */
    public UnitSpec {
        priceFloorMicros = Math.max(0, priceFloorMicros);
        priceCapMicros = priceCapMicros <= 0 ? Long.MAX_VALUE : priceCapMicros;
    }

    /** Without a floor or a cap of the provider's. */
    public UnitSpec(final String unitId, final String providerId, final UnitKind kind, final String region, final String pool,
                    final Capacity capacity, final long pricePerHourMicros, final double advertisedLatencyMillis,
                    final double advertisedAvailability) {
        this(unitId, providerId, kind, region, pool, capacity, pricePerHourMicros, advertisedLatencyMillis,
                advertisedAvailability, 0, Long.MAX_VALUE);
    }
}
