package dev.orchestrator.adapters;

import java.util.Map;

/** Makes adapters of one provider type; implementations are listed in {@code META-INF/services}. */
public interface AdapterFactory {
    /** The provider type, as named in a provider's configuration. */
    String type();

    /** An adapter for one provider, from its settings; a missing or bad setting is an IllegalArgumentException naming it. */
    ProviderAdapter create(Map<String, String> settings);
}
