package dev.orchestrator.api;

/** A write refused before anything was produced: the HTTP status, a stable code and the offending field. */
public final class Rejected extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;

    public Rejected(final int status, final String code, final String field, final String message) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public static Rejected badField(final String field, final String message) {
        return new Rejected(400, "INVALID_FIELD", field, message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }
}
