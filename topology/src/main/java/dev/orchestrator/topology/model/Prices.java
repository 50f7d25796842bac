package dev.orchestrator.topology.model;

/** How a share of a unit is priced, the same for scoring and for the ledger that charges it. */
public final class Prices {
    private Prices() {
    }

    /** Pro rata by the fullest dimension of the unit the share takes, rounded up to a micro-unit. */
    public static long proRata(final long unitPricePerHourMicros, final Capacity unitCapacity, final Capacity wanted) {
        return (long) Math.ceil(unitPricePerHourMicros * wanted.utilizationOf(unitCapacity));
    }
}
