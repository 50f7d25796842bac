package dev.orchestrator.api.query;

/** A query parameter out of range or malformed: answer 400 naming it. */
public final class BadParameter extends RuntimeException {
    private final String field;

    public BadParameter(final String field, final String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
