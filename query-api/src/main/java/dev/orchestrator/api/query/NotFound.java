package dev.orchestrator.api.query;

/** The thing asked for does not exist (or is not known to the engine yet): answer 404. */
public final class NotFound extends RuntimeException {
    public NotFound(final String message) {
        super(message);
    }
}
