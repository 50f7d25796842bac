package dev.orchestrator.topology.telemetry;

/**
 * What a unit's telemetry says about it: smoothed latency, availability over its last 64 probes,
 * and when it was last heard from. Immutable; each observation returns a new value.
 */
public record Health(long lastHeartbeat, double ewmaLatencyMillis, long probeBits, int probeCount, boolean healthy) {
    /** Weight of the newest latency sample: about the last ten samples matter. */
    public static final double ALPHA = 0.2;
    private static final int WINDOW = 64;

    /** A newly registered unit counts as heard from at registration, with its advertised latency. */
    public static Health initial(final long now, final double advertisedLatencyMillis) {
        return new Health(now, advertisedLatencyMillis, 0, 0, true);
    }

    public Health observe(final long observedAt, final Double latencyMillis, final boolean available) {
        final double latency = latencyMillis == null || !(latencyMillis >= 0) ? ewmaLatencyMillis
                : probeCount == 0 && ewmaLatencyMillis == 0 ? latencyMillis
                : toMicros(ALPHA * latencyMillis + (1 - ALPHA) * ewmaLatencyMillis);
        final long bits = (probeBits << 1) | (available ? 1 : 0);
        return new Health(Math.max(lastHeartbeat, observedAt), latency, bits, Math.min(WINDOW, probeCount + 1), healthy);
    }

    /**
     * Smoothed latency is kept to the microsecond: steady 23 ms samples must average to exactly 23,
     * not 23.000000000000004, or an SLA of exactly 23 ms would flip from rounding alone.
     */
    static double toMicros(final double millis) {
        return Math.round(millis * 1000) / 1000.0;
    }

    /** Share of the window's probes that succeeded; 1 before any probe. */
    public double availability() {
        if (probeCount == 0) {
            return 1.0;
        }
        final long mask = probeCount == WINDOW ? -1L : (1L << probeCount) - 1;
        return (double) Long.bitCount(probeBits & mask) / probeCount;
    }

    /** Healthy while heartbeats are younger than {@code limitMillis}. */
    public Health judged(final long now, final long limitMillis) {
        final boolean fresh = now - lastHeartbeat <= limitMillis;
        return fresh == healthy ? this : new Health(lastHeartbeat, ewmaLatencyMillis, probeBits, probeCount, fresh);
    }

    /** Whether the unit currently meets the latency and availability targets. */
    public boolean meets(final double maxLatencyMillis, final double minAvailability) {
        return ewmaLatencyMillis <= maxLatencyMillis && availability() >= minAvailability;
    }
}
