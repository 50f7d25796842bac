package dev.orchestrator.api.events;

/**
 * One entry of the live feed: its SSE id, its type ({@code decision}, {@code command} or
 * {@code audit}), what filters look at, and the JSON sent to clients.
 */
public record FeedEvent(long sequence, String id, String type, String consumerId, String unitId, String json) {
    /** Whether the event passes a client's filters; null filters pass everything. */
    public boolean matches(final java.util.Set<String> types, final String consumer, final String unit) {
        return (types == null || types.contains(type)) && (consumer == null || consumer.equals(consumerId))
                && (unit == null || unit.equals(unitId));
    }
}
