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

    /** Whether its provider's standing lets it take new placements (repeated SLA breaches do not). */
    default boolean eligible() {
        return true;
    }

    double latencyMillis();

    double availability();
}
