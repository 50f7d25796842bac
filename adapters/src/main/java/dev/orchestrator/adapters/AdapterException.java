package dev.orchestrator.adapters;

/**
 * A provider call that failed, classified: a {@link Kind#TRANSIENT} failure (timeout, throttling,
 * a 5xx) may succeed if retried with backoff; a {@link Kind#TERMINAL} one (bad credentials, an
 * unknown region or namespace, a refused spec) never will and must not be retried as if it could.
 */
public final class AdapterException extends RuntimeException {
    /** Whether retrying can help. */
    public enum Kind { TRANSIENT, TERMINAL }

    private final Kind kind;

    public AdapterException(final Kind kind, final String message, final Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public boolean retryable() {
        return kind == Kind.TRANSIENT;
    }
}
