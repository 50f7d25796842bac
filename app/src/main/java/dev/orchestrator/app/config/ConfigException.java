package dev.orchestrator.app.config;

/** A setting is unknown, missing or malformed. The message is one line that names the key. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(final String message) {
        super(message);
    }
}
