package dev.orchestrator.topology.schedule;

/**
 * Preemption's tunables: whether a demand that fits nowhere may take the room of allocations of lower
 * priority; how far below its priority a victim must be ({@code priorityGap}, at least 1); each consumer's
 * disruption budget when its policy names none ({@code disruptionPercent} of its allocations on a task
 * preempted within {@code disruptionWindowMillis}, rounded down); and how long a preempted allocation waits
 * to be placed again when its own demand named no wait ({@code requeueWaitMillis}); how long a gang may take to
 * gather and place its members when they name no timeout ({@code gangTimeoutMillis}); how long demands arriving one
 * after another on a task may be held to be placed together, largest first ({@code batchWindowMillis}, 0: each is
 * placed as it arrives).
 */
public record SchedulingSettings(boolean preemption, int priorityGap, int disruptionPercent, long disruptionWindowMillis,
                                 long requeueWaitMillis, long gangTimeoutMillis, long batchWindowMillis) {
    /** The most demands one batch holds: bounds its sort and what a restart reads back. */
    public static final int BATCH_LIMIT = 512;

    public SchedulingSettings {
        if (priorityGap < 1 || priorityGap > 2000 || disruptionPercent < 0 || disruptionPercent > 100
                || disruptionWindowMillis < 1 || requeueWaitMillis < 0 || gangTimeoutMillis < 1 || batchWindowMillis < 0
                || batchWindowMillis > 1_000) {
            throw new IllegalArgumentException("scheduling settings out of range: gap " + priorityGap + ", budget "
                    + disruptionPercent + "% per " + disruptionWindowMillis + " ms, requeue wait " + requeueWaitMillis
                    + " ms, gang timeout " + gangTimeoutMillis + " ms, batch window " + batchWindowMillis + " ms");
        }
    }

    /**
     * Preemption on, any higher priority preempts, a fifth of a consumer's allocations per hour, ten minutes' wait, a
     * minute per gang, each demand placed as it arrives.
     */
    public static SchedulingSettings defaults() {
        return new SchedulingSettings(true, 1, 20, 3_600_000, 600_000, 60_000, 0);
    }

    /** The same settings with demands held up to {@code millis} to be placed together (0: one by one). */
    public SchedulingSettings withBatchWindow(final long millis) {
        return new SchedulingSettings(preemption, priorityGap, disruptionPercent, disruptionWindowMillis, requeueWaitMillis,
                gangTimeoutMillis, millis);
    }

    /** The budget in percent of a consumer whose policy says {@code policyPercent} (null: none said). */
    public int budgetPercent(final Integer policyPercent) {
        return policyPercent == null ? disruptionPercent : policyPercent;
    }
}
