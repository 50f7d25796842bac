package dev.orchestrator.api.ingest;

import dev.orchestrator.schemas.Topic;

/** Produces one accepted write to its topic and returns once the broker has it; throws {@code Unavailable} otherwise. */
public interface Publisher extends AutoCloseable {
    <V> void publish(Topic<String, V> topic, String key, V value);

    @Override
    default void close() {
    }
}
