package dev.orchestrator.topology.task;

import dev.orchestrator.topology.ledger.Held;
import dev.orchestrator.topology.model.Allocation;

/** The holds an allocation record puts on its units. */
public final class Holds {
    private Holds() {
    }

    /** On the unit it runs on; confirmed once active. */
    public static Held owned(final Allocation allocation) {
        return new Held(allocation.demandId(), allocation.consumerId(), allocation.request().capacity(), Held.Role.OWNED,
                allocation.status() == Allocation.Status.ACTIVE, allocation.slaMaxLatencyMillis(),
                allocation.slaMinAvailability(), Held.priorityOf(allocation.request().priority()));
    }

    /** On the target of its migration, on this task. */
    public static Held target(final Allocation allocation) {
        return new Held(allocation.demandId(), allocation.consumerId(), allocation.request().capacity(),
                Held.Role.MIGRATION_TARGET, false, allocation.slaMaxLatencyMillis(), allocation.slaMinAvailability(),
                Held.priorityOf(allocation.request().priority()));
    }
}
