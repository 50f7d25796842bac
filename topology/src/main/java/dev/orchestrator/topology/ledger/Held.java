package dev.orchestrator.topology.ledger;

import dev.orchestrator.topology.model.Capacity;

/**
 * Capacity held on a unit for one allocation. {@code role} says whose it is: the allocation owned by
 * this task (its current unit), the target of its own migration, or the target of a migration of an
 * allocation another task owns (hosted). {@code confirmed} once an executor reported it provisioned;
 * the SLA targets (infinity and 0 when best effort) are what the unit must keep meeting for it;
 * {@code priority} is the one its demand named ({@link #POLICY_PRIORITY}: none, its consumer policy's
 * applies), kept here so a search for victims reads no record.
 */
public record Held(String allocationId, String consumerId, Capacity capacity, Role role, boolean confirmed,
                   double slaMaxLatencyMillis, double slaMinAvailability, int priority) {
    /** The demand named no priority: its consumer policy's applies. */
    public static final int POLICY_PRIORITY = Integer.MIN_VALUE;

    /** Whose capacity it is. */
    public enum Role { OWNED, MIGRATION_TARGET, HOSTED }

    public static final double NO_LATENCY_TARGET = Double.MAX_VALUE;

    /** A hold at its consumer policy's priority. */
    public Held(final String allocationId, final String consumerId, final Capacity capacity, final Role role,
                final boolean confirmed, final double slaMaxLatencyMillis, final double slaMinAvailability) {
        this(allocationId, consumerId, capacity, role, confirmed, slaMaxLatencyMillis, slaMinAvailability, POLICY_PRIORITY);
    }

    /** The priority a demand named, as a hold keeps it. */
    public static int priorityOf(final Integer named) {
        return named == null ? POLICY_PRIORITY : named;
    }

    public Held confirmedNow() {
        return new Held(allocationId, consumerId, capacity, role, true, slaMaxLatencyMillis, slaMinAvailability, priority);
    }

    public Held as(final Role next) {
        return new Held(allocationId, consumerId, capacity, next, confirmed, slaMaxLatencyMillis, slaMinAvailability, priority);
    }

    public boolean hasSla() {
        return slaMinAvailability > 0 || slaMaxLatencyMillis < NO_LATENCY_TARGET;
    }
}
