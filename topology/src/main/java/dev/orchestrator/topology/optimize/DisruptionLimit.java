package dev.orchestrator.topology.optimize;

/**
 * How many more of a consumer's allocations the optimizer may move: at most {@code percent} of them moved within the
 * window, counting every move already made, rounded down, so a task that keeps to it on its own share keeps the
 * consumer under the limit across all tasks.
 */
public final class DisruptionLimit {
    private DisruptionLimit() {
    }

    /** Moves left for a consumer with {@code allocations} here, {@code movedInWindow} of them moved within the window. */
    public static int allowance(final int allocations, final int movedInWindow, final int percent) {
        final long limit = (long) allocations * percent / 100;
        return (int) Math.max(0, limit - movedInWindow);
    }
}
