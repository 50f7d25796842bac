package dev.orchestrator.connectors.telemetry;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** One unit's health endpoint, configured as {@code providerId/unitId=url}. */
public record HealthEndpoint(String providerId, String unitId, URI url) {
    private static final int MAX_ID = 128;

    /** Parses a comma-separated list; a bad entry is an IllegalArgumentException quoting it. */
    public static List<HealthEndpoint> parseAll(final List<String> entries) {
        final List<HealthEndpoint> endpoints = new ArrayList<>();
        for (final String entry : entries) {
            endpoints.add(parse(entry.trim()));
        }
        return endpoints;
    }

    public static HealthEndpoint parse(final String entry) {
        final int eq = entry.indexOf('=');
        final int slash = eq < 0 ? -1 : entry.lastIndexOf('/', eq);
        if (eq < 0 || slash <= 0 || slash + 1 >= eq) {
            throw new IllegalArgumentException("'" + entry + "' is not providerId/unitId=url");
        }
        final String provider = entry.substring(0, slash);
        final String unit = entry.substring(slash + 1, eq);
        if (provider.length() > MAX_ID || unit.length() > MAX_ID || !provider.matches("[A-Za-z0-9._:-]+") || !unit.matches("[A-Za-z0-9._:-]+")) {
            throw new IllegalArgumentException("'" + entry + "': ids are letters, digits, '.', '_', ':' and '-', at most " + MAX_ID);
        }
        final URI url;
        try {
            url = URI.create(entry.substring(eq + 1));
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + entry + "': not a URL", e);
        }
        if (url.getScheme() == null || !url.getScheme().matches("https?") || url.getHost() == null) {
            throw new IllegalArgumentException("'" + entry + "': not an http(s) URL");
        }
        return new HealthEndpoint(provider, unit, url);
    }

    public String entry() {
        return providerId + "/" + unitId + "=" + url;
    }
}
