package dev.orchestrator.adapters.nosana;

import dev.orchestrator.adapters.AdapterFactory;
import dev.orchestrator.adapters.ProviderAdapter;
import dev.orchestrator.adapters.Settings;
import dev.orchestrator.adapters.http.JsonHttp;
import java.time.Duration;
import java.util.Map;

/**
 * Settings: {@code url} (the Nosana job sidecar, required), {@code api.key}, {@code market} (market
 * address, required), {@code markets} (a market per GPU model, {@code a100=ADDRESS,l4=ADDRESS}: a
 * placement of a named model goes to its market, and is refused when the list lacks it; without the
 * list every placement goes to {@code market}), {@code image} (default {@code docker.io/nginx:stable}), {@code expose.port}
 * (default 80), {@code timeout.seconds} (job timeout on the network, default 3600),
 * {@code request.timeout.ms} (default 10000).
 */
public final class NosanaAdapterFactory implements AdapterFactory {
    static final String TYPE = "nosana";
    private static final java.util.regex.Pattern MODEL = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ProviderAdapter create(final Map<String, String> settings) {
        final JsonHttp http = new JsonHttp("nosana", Settings.httpUrl(settings, "url", TYPE), settings.get("api.key"),
                Duration.ofMillis(Settings.positive(settings, "request.timeout.ms", 10_000, TYPE)));
        return new NosanaAdapter(http, Settings.required(settings, "market", TYPE), markets(settings.get("markets")),
                settings.getOrDefault("image", "docker.io/nginx:stable"),
                (int) Settings.positive(settings, "expose.port", 80, TYPE),
                Settings.positive(settings, "timeout.seconds", 3600, TYPE));
    }

    private static Map<String, String> markets(final String list) {
        final Map<String, String> markets = new java.util.HashMap<>();
        if (list == null || list.isBlank()) {
            return markets;
        }
        for (final String entry : list.split(",")) {
            final String[] pair = entry.trim().split("=", 2);
            if (pair.length != 2 || !MODEL.matcher(pair[0].trim()).matches() || pair[1].isBlank()) {
                throw new IllegalArgumentException(TYPE + " adapter setting 'markets': '" + entry.trim()
                        + "' is not model=address (a lower-case GPU model such as a100)");
            }
            markets.put(pair[0].trim(), pair[1].trim());
        }
        return markets;
    }
}
