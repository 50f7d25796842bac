package dev.orchestrator.schemas;

/** Headers a placement command may carry besides its value. */
public final class CommandHeaders {
    /** Set when an operator runs a failed job again; the value counts the retries (1, 2, ...). */
    public static final String RETRY = "orchestrator.job.retry";

    private CommandHeaders() {
    }
}
