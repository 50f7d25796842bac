package dev.orchestrator.topology.model;

/** An immutable copy of a unit's facts, for fixtures and for anything that must not see later changes. */
public record UnitView(String unitId, String providerId, UnitKind kind, String region, String pool,
                       Capacity capacity, Capacity free, long pricePerHourMicros, String state,
                       boolean allocatable, double latencyMillis, double availability, int allocations, long version)
        implements UnitFacts {
}
