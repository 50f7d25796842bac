package dev.orchestrator.api.ingest;

import dev.orchestrator.schemas.Topic;

/** Produces one accepted write to its topic and returns once the broker has it; throws {@code Unavailable} otherwise. */
public interface Publisher extends AutoCloseable {
    default <V> void publish(final Topic<String, V> topic, final String key, final V value) {
        publish(topic, key, value, java.util.Map.of());
    }

    /** As {@link #publish(Topic, String, Object)}, with record headers (UTF-8 values). */
    <V> void publish(Topic<String, V> topic, String key, V value, java.util.Map<String, String> headers);

    @Override
    default void close() {
    }
}
