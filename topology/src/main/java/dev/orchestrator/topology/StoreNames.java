package dev.orchestrator.topology;

/** Names of every state store, so internal topics and interactive queries never guess. */
public final class StoreNames {
    /** Latest policy per consumer. */
    public static final String POLICIES = "policies";
    /** Latest SLA per SLA id. */
    public static final String SLAS = "slas";

    private StoreNames() {
    }
}
