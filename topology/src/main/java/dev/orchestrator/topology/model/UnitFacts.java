package dev.orchestrator.topology.model;

/** What filters and scorers may read of a unit: its offer, what is free, and its health. */
public interface UnitFacts {
    String unitId();

    String providerId();

    UnitKind kind();

    String region();

    Capacity capacity();

    Capacity free();

    long pricePerHourMicros();

    /** Whether new placements may land on it at all: active and healthy. */
    boolean allocatable();

    double latencyMillis();

    double availability();
}
