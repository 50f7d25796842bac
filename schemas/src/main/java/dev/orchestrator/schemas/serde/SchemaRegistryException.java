package dev.orchestrator.schemas.serde;

/** A schema could not be registered or found. */
public class SchemaRegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SchemaRegistryException(final String message) {
        super(message);
    }

    public SchemaRegistryException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
