package dev.orchestrator.connectors.jobs;

import java.util.Random;

/**
 * Exponential backoff with jitter for transient provider errors: the n-th retry waits a random time
 * between half and all of {@code initial x 2^(n-1)}, capped at {@code max}, so executors that failed
 * together do not retry together.
 */
public record Backoff(long initialMillis, long maxMillis, int maxAttempts) {
    public Backoff {
        if (initialMillis <= 0 || maxMillis < initialMillis) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initialMillis + " and " + maxMillis);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("at least one attempt is needed, got " + maxAttempts);
        }
    }

    /** Whether another attempt may follow attempt number {@code attempt} (counting from 1). */
    public boolean allowsAnotherAfter(final int attempt) {
        return attempt < maxAttempts;
    }

    /** How long to wait after failed attempt number {@code attempt} (counting from 1). */
    public long delayAfter(final int attempt, final Random random) {
        long ceiling = initialMillis;
        for (int n = 1; n < attempt && ceiling < maxMillis; n++) {
            ceiling = Math.min(maxMillis, ceiling * 2);
        }
        final long half = ceiling / 2;
        return half + (long) (random.nextDouble() * (ceiling - half + 1));
    }
}
