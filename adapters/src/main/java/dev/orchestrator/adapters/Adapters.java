package dev.orchestrator.adapters;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds adapter factories by provider type through {@link ServiceLoader}. */
public final class Adapters {
    private Adapters() {
    }

    /** Every factory on the class path, by type. */
    public static Map<String, AdapterFactory> factories() {
        final Map<String, AdapterFactory> byType = new TreeMap<>();
        for (final AdapterFactory factory : ServiceLoader.load(AdapterFactory.class)) {
            byType.put(factory.type(), factory);
        }
        return byType;
    }

    /** An adapter of {@code type} configured with {@code settings}. */
    public static ProviderAdapter create(final String type, final Map<String, String> settings) {
        final AdapterFactory factory = factories().get(type);
        if (factory == null) {
            throw new IllegalArgumentException("no adapter for provider type '" + type + "'; known: " + factories().keySet());
        }
        return factory.create(settings);
    }
}
