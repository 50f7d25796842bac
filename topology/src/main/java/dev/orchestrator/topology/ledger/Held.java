package dev.orchestrator.topology.ledger;

import dev.orchestrator.topology.model.Capacity;

/**
 * Capacity held on a unit for one allocation. {@code role} says whose it is: the allocation owned by
 * this task (its current unit), the target of its own migration, or the target of a migration of an
 * allocation another task owns (hosted). {@code confirmed} once an executor reported it provisioned;
 * the SLA targets (infinity and 0 when best effort) are what the unit must keep meeting for it.
 */
public record Held(String allocationId, String consumerId, Capacity capacity, Role role, boolean confirmed,
                   double slaMaxLatencyMillis, double slaMinAvailability) {
    /** Whose capacity it is. */
    public enum Role { OWNED, MIGRATION_TARGET, HOSTED }

    public static final double NO_LATENCY_TARGET = Double.MAX_VALUE;

    public Held confirmedNow() {
        return new Held(allocationId, consumerId, capacity, role, true, slaMaxLatencyMillis, slaMinAvailability);
    }

    public Held as(final Role next) {
        return new Held(allocationId, consumerId, capacity, next, confirmed, slaMaxLatencyMillis, slaMinAvailability);
    }

    public boolean hasSla() {
        return slaMinAvailability > 0 || slaMaxLatencyMillis < NO_LATENCY_TARGET;
    }
}
