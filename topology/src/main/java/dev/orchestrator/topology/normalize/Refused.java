package dev.orchestrator.topology.normalize;

import dev.orchestrator.avro.ReasonCode;

/**
 * An input record the engine's rules refuse, after whatever it was right to record (an audited
 * refusal): the engine dead-letters it with {@code reason} and the offending field, and goes on.
 */
public final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ReasonCode reason;
    private final String field;

    public Refused(final ReasonCode reason, final String field, final String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.field = field;
    }

    public ReasonCode reason() {
        return reason;
    }

    public String field() {
        return field;
    }
}
