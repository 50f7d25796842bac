package dev.orchestrator.adapters.skypilot;

import dev.orchestrator.adapters.AdapterFactory;
import dev.orchestrator.adapters.ProviderAdapter;
import dev.orchestrator.adapters.Settings;
import dev.orchestrator.adapters.http.JsonHttp;
import java.time.Duration;
import java.util.Map;

/**
 * Settings: {@code url} (the SkyPilot API server, e.g. {@code http://127.0.0.1:46580}, required),
 * {@code token} (service account token, if the server asks for one), {@code cloud} (default
 * {@code aws}), {@code region} (default: any), {@code accelerator} (GPU model, default {@code A100}),
 * {@code run} (the command the cluster runs, default {@code sleep infinity}),
 * {@code request.timeout.ms} (how long to wait for a request's result, default 600000: launches are slow).
 */
public final class SkyPilotAdapterFactory implements AdapterFactory {
    static final String TYPE = "skypilot";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ProviderAdapter create(final Map<String, String> settings) {
        final JsonHttp http = new JsonHttp("skypilot", Settings.httpUrl(settings, "url", TYPE), settings.get("token"),
                Duration.ofMillis(Settings.positive(settings, "request.timeout.ms", 600_000, TYPE)));
        return new SkyPilotAdapter(http, settings.getOrDefault("cloud", "aws"), settings.getOrDefault("region", ""),
                settings.getOrDefault("accelerator", "A100"), settings.getOrDefault("run", "sleep infinity"));
    }
}
