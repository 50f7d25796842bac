package dev.orchestrator.app.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;

/** A setting's type: checks a raw value and says in a few words what was expected. */
public interface Type {
    /** Empty when the value is acceptable; otherwise what was expected. */
    Optional<String> problem(String value);

    Type STRING = value -> Optional.empty();

    Type BOOLEAN = value -> value.equals("true") || value.equals("false")
            ? Optional.empty() : Optional.of("expected true or false");

    Type IDENTIFIER = value -> value.matches("[A-Za-z0-9._-]{1,200}")
            ? Optional.empty() : Optional.of("expected letters, digits, '.', '_' or '-'");

    Type TOPIC_PREFIX = value -> value.matches("[A-Za-z0-9._-]{0,100}")
            ? Optional.empty() : Optional.of("expected letters, digits, '.', '_' or '-' (a topic name prefix)");

    Type HOST_PORT_LIST = value -> {
        for (final String part : value.split(",", -1)) {
            if (!part.trim().matches("[A-Za-z0-9.\\-\\[\\]:]+:[0-9]{1,5}")) {
                return Optional.of("expected host:port[,host:port...]");
            }
        }
        return Optional.empty();
    };

    Type URL = value -> {
        try {
            final URI uri = new URI(value);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    ? Optional.empty() : Optional.of("expected an http:// or https:// URL");
        } catch (final URISyntaxException e) {
            return Optional.of("expected an http:// or https:// URL");
        }
    };

    Type CURRENCY = value -> value.matches("[A-Z]{3,5}")
            ? Optional.empty() : Optional.of("expected a currency code such as USD");

    Type RATES = value -> value.isEmpty() || value.matches("[A-Z]{3,5}:[0-9]{1,9}(\\.[0-9]{1,9})?(,[A-Z]{3,5}:[0-9]{1,9}(\\.[0-9]{1,9})?)*")
            ? Optional.empty() : Optional.of("expected CODE:RATE[,CODE:RATE...], e.g. EUR:1.08");

    Type ALIASES = value -> value.isEmpty() || value.matches("[a-z0-9-]+=[a-z0-9-]+(,[a-z0-9-]+=[a-z0-9-]+)*")
            ? Optional.empty() : Optional.of("expected alias=region[,alias=region...] in lower case");

    static Type intRange(final int min, final int max) {
        return value -> {
            try {
                final int parsed = Integer.parseInt(value.trim());
                return parsed >= min && parsed <= max
                        ? Optional.empty() : Optional.of("expected a whole number from " + min + " to " + max);
            } catch (final NumberFormatException e) {
                return Optional.of("expected a whole number from " + min + " to " + max);
            }
        };
    }

    static Type oneOf(final String... choices) {
        final List<String> allowed = List.of(choices);
        return value -> allowed.contains(value) ? Optional.empty() : Optional.of("expected one of " + allowed);
    }
}
