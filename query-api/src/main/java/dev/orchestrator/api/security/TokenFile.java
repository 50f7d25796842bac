package dev.orchestrator.api.security;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads per-identity tokens, one per line: {@code <operator|consumer|provider> <id> <token>};
 * blank lines and lines starting with {@code #} are skipped. A bad line is refused naming its
 * number, never its token.
 */
public final class TokenFile {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@/-]{1,128}");
    private static final int MIN_TOKEN = 16;

    private TokenFile() {
    }

    /** Token -> identity; throws IllegalArgumentException naming the first bad line. */
    public static Map<String, Identity> parse(final List<String> lines) {
        final Map<String, Identity> tokens = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            final String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            final String[] parts = line.split("\\s+");
            final int number = i + 1;
            if (parts.length != 3) {
                throw new IllegalArgumentException("line " + number + ": expected '<operator|consumer|provider> <id> <token>'");
            }
            final Identity.Role role;
            try {
                role = Identity.Role.valueOf(parts[0].toUpperCase(Locale.ROOT));
            } catch (final IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + number + ": role must be operator, consumer or provider");
            }
            if (!ID.matcher(parts[1]).matches()) {
                throw new IllegalArgumentException("line " + number + ": the id must be 1 to 128 letters, digits or ._:@/-");
            }
            if (parts[2].length() < MIN_TOKEN) {
                throw new IllegalArgumentException("line " + number + ": tokens must have at least " + MIN_TOKEN + " characters");
            }
            if (tokens.put(parts[2], new Identity(role, parts[1])) != null) {
                throw new IllegalArgumentException("line " + number + ": the same token is given twice");
            }
        }
        return tokens;
    }
}
