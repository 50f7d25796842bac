package dev.orchestrator.topology.model;

import java.util.List;

/**
 * A validated PLACE demand in canonical units. {@code maxPriceMicros} is per hour in the base
 * currency, {@link Long#MAX_VALUE} when uncapped; {@code durationMillis} is 0 when open-ended;
 * {@code slaId} is empty when best effort.
 */
public record PlaceRequest(String demandId, String consumerId, UnitKind kind, Capacity capacity,
                           List<String> regions, long maxPriceMicros, String slaId, long durationMillis,
                           long requestedAt) {
    public PlaceRequest {
        regions = List.copyOf(regions);
    }
}
