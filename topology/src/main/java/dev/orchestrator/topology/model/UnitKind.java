package dev.orchestrator.topology.model;

/** What a unit offers; the primary dimension is the one the index sorts by. */
public enum UnitKind {
    STORAGE, COMPUTE;

    /** The dimension that decides whether a demand can fit, for index look-ups. */
    public long primary(final Capacity capacity) {
        return this == STORAGE ? capacity.storageBytes() : capacity.cpuMillis();
    }
}
