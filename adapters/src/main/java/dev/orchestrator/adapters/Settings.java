package dev.orchestrator.adapters;

import java.net.URI;
import java.util.Map;

/** Reads an adapter's settings; a missing or bad one is an IllegalArgumentException naming the key. */
public final class Settings {
    private Settings() {
    }

    public static String required(final Map<String, String> settings, final String key, final String type) {
        final String value = settings.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(type + " adapter needs the setting '" + key + "'");
        }
        return value;
    }

    public static long wholeNumber(final Map<String, String> settings, final String key, final long fallback, final String type) {
        final String value = settings.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException(type + " adapter setting '" + key + "': expected a whole number, got '" + value + "'");
        }
    }

    public static long positive(final Map<String, String> settings, final String key, final long fallback, final String type) {
        final long value = wholeNumber(settings, key, fallback, type);
        if (value <= 0) {
            throw new IllegalArgumentException(type + " adapter setting '" + key + "': must be positive, got " + value);
        }
        return value;
    }

    public static URI httpUrl(final Map<String, String> settings, final String key, final String type) {
        final String value = required(settings, key, type);
        final URI uri;
        try {
            uri = URI.create(value);
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException(type + " adapter setting '" + key + "' is not a URL: " + value, e);
        }
        if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
            throw new IllegalArgumentException(type + " adapter setting '" + key + "' is not an http(s) URL: " + value);
        }
        return uri;
    }
}
