package dev.orchestrator.topology.model;

/**
 * The target of a migration this task hosts for an allocation another task ({@code owner}) owns:
 * capacity held on {@code unitId} under the MIGRATE command {@code commandId} until the executor
 * confirms it (then the allocation is handed over here) or it fails or lapses (then it is freed).
 * {@code unitSequence} is the unit's audit sequence this hold last reached.
 */
public record Hosted(String allocationId, String consumerId, int owner, String unitId, Capacity capacity,
                     long pricePerHourMicros, String commandId, String sourceUnitId, long reservedAt, long confirmBy,
                     boolean confirmed, String endpoint, long unitSequence, double slaMaxLatencyMillis,
                     double slaMinAvailability) {
    public Hosted confirmed(final String reachedAt, final long sequence) {
        return new Hosted(allocationId, consumerId, owner, unitId, capacity, pricePerHourMicros, commandId, sourceUnitId,
                reservedAt, confirmBy, true, reachedAt, Math.max(unitSequence, sequence), slaMaxLatencyMillis,
                slaMinAvailability);
    }
}
