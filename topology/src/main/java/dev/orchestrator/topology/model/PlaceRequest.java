package dev.orchestrator.topology.model;

import java.util.List;
import java.util.Map;

/**
 * A validated PLACE demand in canonical units. {@code maxPriceMicros} is per hour in the base
 * currency, {@link Long#MAX_VALUE} when uncapped; {@code durationMillis} is 0 when open-ended;
 * {@code slaId} is empty when best effort; {@code workload} holds the demand's {@code workload.*}
 * labels (what runs on the capacity), which its commands carry to the executor. {@code priority}
 * and {@code maxWaitMillis} are null when the demand names none: its consumer's policy decides.
 * {@code gang} is null for a demand placed alone.
 */
public record PlaceRequest(String demandId, String consumerId, UnitKind kind, Capacity capacity,
                           List<String> regions, long maxPriceMicros, String slaId, long durationMillis,
                           long requestedAt, Map<String, String> workload, Integer priority, Long maxWaitMillis,
                           GangSpec gang) {
    public PlaceRequest {
        regions = List.copyOf(regions);
        // records stored before workloads existed read back without one
        workload = workload == null ? Map.of() : Map.copyOf(workload);
    }

    /** A request placed alone. */
    public PlaceRequest(final String demandId, final String consumerId, final UnitKind kind, final Capacity capacity,
                        final List<String> regions, final long maxPriceMicros, final String slaId, final long durationMillis,
                        final long requestedAt, final Map<String, String> workload, final Integer priority,
                        final Long maxWaitMillis) {
        this(demandId, consumerId, kind, capacity, regions, maxPriceMicros, slaId, durationMillis, requestedAt, workload,
                priority, maxWaitMillis, null);
    }

    /** The key of its gang on the engine, or null when placed alone. */
    public String gangKey() {
        return gang == null ? null : gang.key(consumerId);
    }

    /** A request whose priority and wait limit are its policy's. */
    public PlaceRequest(final String demandId, final String consumerId, final UnitKind kind, final Capacity capacity,
                        final List<String> regions, final long maxPriceMicros, final String slaId, final long durationMillis,
                        final long requestedAt, final Map<String, String> workload) {
        this(demandId, consumerId, kind, capacity, regions, maxPriceMicros, slaId, durationMillis, requestedAt, workload,
                null, null);
    }

    /** Its priority: its own, else its policy's. */
    public int priorityUnder(final PolicyTerms policy) {
        return priority != null ? priority : policy.priority();
    }

    /** How long it may wait for capacity: its own limit, else its policy's (0: not at all). */
    public long maxWaitUnder(final PolicyTerms policy) {
        return maxWaitMillis != null ? maxWaitMillis : policy.maxWaitMillis();
    }

    /** A request with no workload: capacity alone. */
    public PlaceRequest(final String demandId, final String consumerId, final UnitKind kind, final Capacity capacity,
                        final List<String> regions, final long maxPriceMicros, final String slaId, final long durationMillis,
                        final long requestedAt) {
        this(demandId, consumerId, kind, capacity, regions, maxPriceMicros, slaId, durationMillis, requestedAt, Map.of());
    }
}
