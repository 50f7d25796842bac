package dev.orchestrator.api.query;

/** The state a request needs is not readable right now (rebalancing, restoring, owner down): answer 503 with Retry-After. */
public final class Unavailable extends RuntimeException {
    public Unavailable(final String message) {
        super(message);
    }
}
