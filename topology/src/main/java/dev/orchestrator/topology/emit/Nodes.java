package dev.orchestrator.topology.emit;

/**
 * Names of the topology's processors and sink nodes. Every processor has its own sinks, so the
 * processors stay in separate sub-topologies with their own tasks.
 */
public final class Nodes {
    public static final String INTAKE = "demand-intake";
    public static final String OUTCOMES = "outcome-router";
    public static final String LEDGER = "ledger";
    public static final String DECIDER = "decider";
    public static final String PLANNER = "migration-planner";

    public static final String ALLOCATIONS = "allocations";
    public static final String COMMANDS = "commands";
    public static final String AUDIT = "audit";
    public static final String METRICS = "metrics";
    public static final String DLQ = "dlq";
    public static final String TO_LEDGER = "to-ledger";
    public static final String TO_DECIDER = "to-decider";
    public static final String TO_PLANNER = "to-planner";
    public static final String UNIT_VIEWS = "unit-views";

    private Nodes() {
    }

    /** The sink of {@code processor} that writes to {@code output}. */
    public static String sink(final String processor, final String output) {
        return processor + "-to-" + output + "-sink";
    }
}
