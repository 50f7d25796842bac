package dev.orchestrator.app.bench.query;

import java.io.PrintStream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Splits a placement run into three windows of equal length once decisions have flowed for
 * a warm-up ({@link #DEFAULT_WARM_UP_SECONDS} unless given): without queries,
 * with the query load, and without again. Comparing the middle window with the mean of the other
 * two separates the queries' cost from the drift of a run whose stores keep growing. Each window
 * keeps its decisions per second and its decision latency.
 */
public final class QueryPhases {
    private final QueryLoad load;
    private final long phaseNanos;
    private final long warmUpNanos;
    private final PrintStream out;
    private final long[] decidedAt = new long[4];
    private final long[] nanosAt = new long[4];
    private final Histogram[] latency = new Histogram[3];
    private final Recorder recorder = new Recorder(3_600_000L, 3);
    /** Decisions start slowly while the engine's caches and the broker's batches warm up: not measured. */
    public static final long DEFAULT_WARM_UP_SECONDS = 15;
    private volatile int phase = -1;
    private long firstDecisionNanos;
    private QueryStats stats;

    public QueryPhases(final QueryLoad load, final long phaseSeconds, final long warmUpSeconds, final PrintStream out) {
        this.load = load;
        this.phaseNanos = phaseSeconds * 1_000_000_000L;
        this.warmUpNanos = warmUpSeconds * 1_000_000_000L;
        this.out = out;
    }

    /** A decision the bench saw, with its latency from the demand's intended send time. */
    public void decided(final String demandId, final long latencyMillis) {
        load.decided(demandId);
        if (phase >= 0 && phase < 3) {
            recorder.recordValue(Math.min(latencyMillis, 3_600_000L));
        }
    }

    /** Called about once a second with the decisions so far. */
    public void tick(final long decided, final long now) throws InterruptedException {
        if (phase == -1 && decided > 0) {
            if (firstDecisionNanos == 0) {
                firstDecisionNanos = now;
            } else if (now - firstDecisionNanos >= warmUpNanos) {
                mark(0, decided, now);
            }
        } else if (phase >= 0 && phase < 3 && now - nanosAt[phase] >= phaseNanos) {
            mark(phase + 1, decided, now);
        }
    }

    private void mark(final int next, final long decided, final long now) throws InterruptedException {
        decidedAt[next] = decided;
        nanosAt[next] = now;
        if (next > 0) {
            latency[next - 1] = recorder.getIntervalHistogram();
        } else {
            recorder.reset();
        }
        phase = next;
        if (next == 1) {
            out.printf("%n... query load on%n");
            load.start();
        } else if (next == 2) {
            stats = load.stop((now - nanosAt[1]) / 1e9);
            out.printf("%n... query load off%n");
        }
    }

    /** Whether all three windows have been measured. */
    public boolean complete() {
        return phase == 3;
    }

    public double decisionRate(final int window) {
        return (decidedAt[window + 1] - decidedAt[window]) / ((nanosAt[window + 1] - nanosAt[window]) / 1e9);
    }

    /** Decision latency percentile in a window, in milliseconds. */
    public long decisionLatency(final int window, final double percentile) {
        return latency[window].getValueAtPercentile(percentile);
    }

    public QueryStats stats() {
        return stats;
    }
}
