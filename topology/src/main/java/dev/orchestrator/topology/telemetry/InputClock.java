package dev.orchestrator.topology.telemetry;

/**
 * The ledger's clock for judging heartbeats and deadlines: the wall clock minus how far behind its
 * input the ledger is. Under a backlog, heartbeats and executor outcomes wait in the same queue as
 * everything else; judged by the wall clock, every unit would look silent and every reservation
 * overdue, and the engine would start migrating a healthy fleet because it was busy (seen in a
 * 100,000-demand kill -9 run). The lag counted is capped, so a clock skewed producer or a
 * very long backlog cannot stop the judging altogether. Until the first record it assumes the full
 * lag: a task that just moved here has not yet read the heartbeats that arrived while it moved.
 */
public final class InputClock {
    private final long maxLagMillis;
    private long lagMillis;

    public InputClock(final long maxLagMillis) {
        this.maxLagMillis = maxLagMillis;
        this.lagMillis = maxLagMillis;
    }

    /** A record written at {@code recordTimestamp} is being processed at {@code now}. */
    public void processing(final long now, final long recordTimestamp) {
        lagMillis = Math.max(0, Math.min(maxLagMillis, now - recordTimestamp));
    }

    /** The time up to which the ledger has seen its input, by the wall clock {@code now}. */
    public long at(final long now) {
        return now - lagMillis;
    }
}
