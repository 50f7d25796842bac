package dev.orchestrator.topology.model;

/**
 * What scoring sees of a unit: a possibly stale copy the ledger publishes after every change;
 * {@code version} is the ledger's change count for the unit, so newer views are recognisable.
 */
public record UnitView(String unitId, String providerId, UnitKind kind, String region, String pool,
                       Capacity capacity, Capacity free, long pricePerHourMicros, String state,
                       boolean allocatable, double latencyMillis, double availability, int allocations, long version) {
    /** The same view with less free capacity: what this instance has asked for but not yet seen. */
    public UnitView withFree(final Capacity reduced) {
        return new UnitView(unitId, providerId, kind, region, pool, capacity, reduced, pricePerHourMicros, state,
                allocatable, latencyMillis, availability, allocations, version);
    }
}
