package dev.orchestrator.topology.read;

/** What one task holds of a demand id: the demand, where it went, a RELEASE demand, or nothing. */
public sealed interface DemandLookup {
    /** The task holds the demand's allocation (or rejection). */
    record Here(DemandRead demand) implements DemandLookup {
    }

    /** The demand was decided on, or its allocation moved to, the task of {@code partition}. */
    record Elsewhere(int partition) implements DemandLookup {
    }

    /** A RELEASE demand, asking to free the allocation of {@code releaseOf}. */
    record Release(String demandId, String consumerId, String releaseOf) implements DemandLookup {
    }

    /** Not known here (yet). */
    record Unknown() implements DemandLookup {
    }
}
