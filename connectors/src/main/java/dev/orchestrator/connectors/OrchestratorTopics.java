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
    private OrchestratorTopics() {
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
