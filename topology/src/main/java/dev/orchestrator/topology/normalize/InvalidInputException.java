package dev.orchestrator.topology.normalize;

/** A record decoded but breaks a rule; {@link #field} names the offending field for its producer. */
public final class InvalidInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public InvalidInputException(final String field, final String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
