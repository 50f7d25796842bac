package dev.orchestrator.topology.model;

/**
 * Capacity held on a unit for one allocation. Unconfirmed until an executor reports it provisioned;
 * an unconfirmed reservation lapses at {@code confirmBy}. Once confirmed, an allocation with a
 * duration ends at {@code endsAt}; 0 means open-ended (or not yet confirmed).
 */
public record Reservation(String allocationId, String demandId, String consumerId, Capacity capacity,
                          long pricePerHourMicros, long durationMillis, long reservedAt, long confirmBy,
                          long endsAt, boolean confirmed, String commandId) {
    public Reservation confirmed(final long now) {
        return new Reservation(allocationId, demandId, consumerId, capacity, pricePerHourMicros, durationMillis,
                reservedAt, confirmBy, durationMillis > 0 ? now + durationMillis : 0, true, commandId);
    }
}
