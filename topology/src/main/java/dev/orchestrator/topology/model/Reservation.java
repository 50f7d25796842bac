package dev.orchestrator.topology.model;

/**
 * Capacity held on a unit for one allocation. Unconfirmed until an executor reports it provisioned;
 * an unconfirmed reservation lapses at {@code confirmBy}. Once confirmed (at {@code confirmedAt}), an
 * allocation with a duration ends at {@code endsAt}; 0 means open-ended or not yet confirmed.
 * {@code slaMaxLatencyMillis} and {@code slaMinAvailability} are the targets it must keep meeting
 * (infinity and 0 when best effort); {@code leaving} is set once a migration away was asked for.
 */
public record Reservation(String allocationId, String demandId, String consumerId, Capacity capacity,
                          long pricePerHourMicros, long durationMillis, long reservedAt, long confirmBy,
                          long confirmedAt, long endsAt, boolean confirmed, String commandId,
                          double slaMaxLatencyMillis, double slaMinAvailability, boolean leaving) {
    public Reservation confirmed(final long now) {
        return new Reservation(allocationId, demandId, consumerId, capacity, pricePerHourMicros, durationMillis,
                reservedAt, confirmBy, now, durationMillis > 0 ? now + durationMillis : 0, true, commandId,
                slaMaxLatencyMillis, slaMinAvailability, leaving);
    }

    public Reservation markedLeaving() {
        return new Reservation(allocationId, demandId, consumerId, capacity, pricePerHourMicros, durationMillis,
                reservedAt, confirmBy, confirmedAt, endsAt, confirmed, commandId, slaMaxLatencyMillis,
                slaMinAvailability, true);
    }

    public boolean hasSla() {
        return slaMinAvailability > 0 || slaMaxLatencyMillis < Double.MAX_VALUE;
    }

    /** How long the allocation has run, for billing: 0 when never confirmed. */
    public long runMillis(final long now) {
        return confirmed ? Math.max(0, now - confirmedAt) : 0;
    }
}
