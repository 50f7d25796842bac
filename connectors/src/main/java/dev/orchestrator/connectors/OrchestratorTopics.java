package dev.orchestrator.connectors;

import dev.orchestrator.schemas.Topics;
import dev.orchestrator.schemas.evolution.KnownSchemas;
import dev.orchestrator.schemas.serde.HttpSchemaRegistry;
import dev.orchestrator.schemas.serde.InProcessSchemaRegistry;
import dev.orchestrator.schemas.serde.SchemaRegistry;
import java.net.URI;
import java.time.Duration;

/** The orchestrator's topics as a connector reaches them: its prefix and its schema registry. */
public final class OrchestratorTopics {
    /** The setting every connector names the orchestrator's topic prefix with. */
    public static final String PREFIX_KEY = "orchestrator.topic.prefix";
    /** The setting every connector names the orchestrator's schema registry with. */
    public static final String REGISTRY_KEY = "orchestrator.schema.registry.url";

    private OrchestratorTopics() {
    }

    /** {@code definition} with the two settings that say where the orchestrator's topics are. */
    public static org.apache.kafka.common.config.ConfigDef define(final org.apache.kafka.common.config.ConfigDef definition) {
        return definition
                .define(PREFIX_KEY, org.apache.kafka.common.config.ConfigDef.Type.STRING, "",
                        org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM,
                        "The orchestrator's topic prefix (its kafka.topic.prefix).")
                .define(REGISTRY_KEY, org.apache.kafka.common.config.ConfigDef.Type.STRING, "",
                        org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM,
                        "Confluent-compatible schema registry; empty: the orchestrator's embedded id scheme.");
    }

    /** The topics {@code config}'s two settings name. */
    public static Topics of(final org.apache.kafka.common.config.AbstractConfig config) {
        return of(config.getString(PREFIX_KEY), config.getString(REGISTRY_KEY));
    }

    /** {@code registryUrl} empty: the embedded scheme, whose ids derive from schema text, so knowing every schema is knowing every id. */
    public static Topics of(final String prefix, final String registryUrl) {
        final SchemaRegistry registry;
        if (registryUrl == null || registryUrl.isBlank()) {
            final InProcessSchemaRegistry embedded = InProcessSchemaRegistry.inMemory();
            KnownSchemas.all().forEach(embedded::preload);
            registry = embedded;
        } else {
            registry = new HttpSchemaRegistry(URI.create(registryUrl), Duration.ofSeconds(10));
        }
        return Topics.create(prefix, registry);
    }
}
