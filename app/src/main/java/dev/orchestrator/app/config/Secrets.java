package dev.orchestrator.app.config;

import java.util.Locale;
import java.util.regex.Pattern;

/** Decides which settings hold secrets, so they are never printed or logged. */
public final class Secrets {
    private static final Pattern SECRET = Pattern.compile(
            ".*(password|secret|jaas|token|credential|user\\.info|private|apikey|api\\.key).*");

    private Secrets() {
    }

    public static boolean isSecret(final String key) {
        return SECRET.matcher(key.toLowerCase(Locale.ROOT)).matches();
    }

    /** The value as it may be shown: secrets become a fixed mask, whatever their length. */
    public static String shown(final String key, final String value) {
        return isSecret(key) ? "********" : value;
    }
}
