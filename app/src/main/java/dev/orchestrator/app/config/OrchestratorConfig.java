package dev.orchestrator.app.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Validated settings with typed accessors. Immutable; {@link #with} returns a changed copy. */
public final class OrchestratorConfig {
    private final Map<ConfigKey, String> values;
    private final Map<String, String> kafkaClient;

    OrchestratorConfig(final Map<ConfigKey, String> values, final Map<String, String> kafkaClient) {
        this.values = new EnumMap<>(ConfigKey.class);
        this.values.putAll(values);
        this.kafkaClient = Map.copyOf(kafkaClient);
    }

    /** A copy with one setting replaced, e.g. the demo pointing at its own broker. */
    public OrchestratorConfig with(final ConfigKey key, final String value) {
        key.type().problem(value).ifPresent(problem -> {
            throw new ConfigException(key.key() + "='" + Secrets.shown(key.key(), value) + "': " + problem);
        });
        final Map<ConfigKey, String> copy = new EnumMap<>(values);
        copy.put(key, value);
        return new OrchestratorConfig(copy, kafkaClient);
    }

    /** A copy with a Kafka client setting (without {@code kafka.}) added unless the user gave one. */
    public OrchestratorConfig withKafkaDefault(final String key, final String value) {
        if (kafkaClient.containsKey(key)) {
            return this;
        }
        final Map<String, String> copy = new HashMap<>(kafkaClient);
        copy.put(key, value);
        return new OrchestratorConfig(values, copy);
    }

    public Optional<String> get(final ConfigKey key) {
        return Optional.ofNullable(values.get(key));
    }

    public String string(final ConfigKey key) {
        return get(key).orElseThrow(() -> new ConfigException("missing required key " + key.key()));
    }

    public int integer(final ConfigKey key) {
        return Integer.parseInt(string(key).trim());
    }

    public boolean bool(final ConfigKey key) {
        return Boolean.parseBoolean(string(key));
    }

    public Path path(final ConfigKey key) {
        return Path.of(string(key));
    }

    public Optional<URI> schemaRegistryUrl() {
        return get(ConfigKey.SCHEMA_REGISTRY_URL).map(URI::create);
    }

    /** Settings passed through to every Kafka client, without the {@code kafka.} prefix. */
    public Map<String, String> kafkaClient() {
        return kafkaClient;
    }

    /** One line per setting, secrets masked: safe to log. */
    public List<String> describe() {
        final List<String> lines = new ArrayList<>();
        values.forEach((key, value) -> lines.add(key.key() + "=" + Secrets.shown(key.key(), value)));
        new TreeMap<>(kafkaClient).forEach((key, value) -> lines.add("kafka." + key + "=" + Secrets.shown(key, value)));
        return lines;
    }
}
