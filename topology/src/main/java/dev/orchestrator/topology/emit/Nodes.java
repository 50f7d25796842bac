package dev.orchestrator.topology.emit;

/** Names of the topology's nodes: one engine processor, the adapters in front of it, and its sinks. */
public final class Nodes {
    public static final String ENGINE = "engine";

    public static final String ALLOCATIONS = "allocations-sink";
    public static final String COMMANDS = "commands-sink";
    public static final String AUDIT = "audit-sink";
    public static final String METRICS = "metrics-sink";
    public static final String DLQ = "dlq-sink";
    public static final String ROUTE = "route-sink";
    /** To the escrow ledger's topic; present only when payments are on. */
    public static final String LEDGER = "ledger-sink";
    /** To the stack engine's topic: what became of the demands stacks made. */
    public static final String STACKS = "stacks-sink";

    private Nodes() {
    }
}
