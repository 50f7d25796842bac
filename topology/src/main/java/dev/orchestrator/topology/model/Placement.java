package dev.orchestrator.topology.model;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Where an allocation holds capacity and on what terms: the unit, its provider and region, the price
 * per hour fixed at the decision, the up-front cost held against the budget, and the command that
 * made the reservation, with its deadlines ({@code confirmBy} for the executor; {@code endsAt} once
 * confirmed, 0 when open-ended).
 */
public record Placement(String unitId, String providerId, String region, long pricePerHourMicros, long costMicros,
                        String commandId, long reservedAt, long confirmBy, long confirmedAt, long endsAt) {
    public Placement confirmed(final long at, final long durationMillis) {
        return new Placement(unitId, providerId, region, pricePerHourMicros, costMicros, commandId, reservedAt, confirmBy,
                at, durationMillis > 0 ? at + durationMillis : 0);
    }

    /** What it cost from its confirmation until {@code now}, rounded up; 0 when never confirmed. */
    public long spentUntil(final long now) {
        return isConfirmed() ? (long) Math.ceil(pricePerHourMicros * (Math.max(0, now - confirmedAt) / 3_600_000.0)) : 0;
    }

    @JsonIgnore
    public boolean isConfirmed() {
        return confirmedAt > 0;
    }
}
