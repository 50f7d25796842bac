package dev.orchestrator.adapters.nosana;

import dev.orchestrator.adapters.AdapterFactory;
import dev.orchestrator.adapters.ProviderAdapter;
import dev.orchestrator.adapters.Settings;
import dev.orchestrator.adapters.http.JsonHttp;
import java.time.Duration;
import java.util.Map;

/**
 * Settings: {@code url} (the Nosana job sidecar, required), {@code api.key}, {@code market} (market
 * address, required), {@code image} (default {@code docker.io/nginx:stable}), {@code expose.port}
 * (default 80), {@code timeout.seconds} (job timeout on the network, default 3600),
 * {@code request.timeout.ms} (default 10000).
 */
public final class NosanaAdapterFactory implements AdapterFactory {
    static final String TYPE = "nosana";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ProviderAdapter create(final Map<String, String> settings) {
        final JsonHttp http = new JsonHttp("nosana", Settings.httpUrl(settings, "url", TYPE), settings.get("api.key"),
                Duration.ofMillis(Settings.positive(settings, "request.timeout.ms", 10_000, TYPE)));
        return new NosanaAdapter(http, Settings.required(settings, "market", TYPE),
                settings.getOrDefault("image", "docker.io/nginx:stable"),
                (int) Settings.positive(settings, "expose.port", 80, TYPE),
                Settings.positive(settings, "timeout.seconds", 3600, TYPE));
    }
}
