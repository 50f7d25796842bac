package dev.orchestrator.topology.schedule;

/**
 * Preemption's tunables: whether a demand that fits nowhere may take the room of allocations of lower
 * priority; how far below its priority a victim must be ({@code priorityGap}, at least 1); each consumer's
 * disruption budget when its policy names none ({@code disruptionPercent} of its allocations on a task
 * preempted within {@code disruptionWindowMillis}, rounded down); and how long a preempted allocation waits
 * to be placed again when its own demand named no wait ({@code requeueWaitMillis}); how long a gang may take to
 * gather and place its members when they name no timeout ({@code gangTimeoutMillis}).
 */
public record SchedulingSettings(boolean preemption, int priorityGap, int disruptionPercent, long disruptionWindowMillis,
                                 long requeueWaitMillis, long gangTimeoutMillis) {
    public SchedulingSettings {
        if (priorityGap < 1 || priorityGap > 2000 || disruptionPercent < 0 || disruptionPercent > 100
                || disruptionWindowMillis < 1 || requeueWaitMillis < 0 || gangTimeoutMillis < 1) {
            throw new IllegalArgumentException("scheduling settings out of range: gap " + priorityGap + ", budget "
                    + disruptionPercent + "% per " + disruptionWindowMillis + " ms, requeue wait " + requeueWaitMillis
                    + " ms, gang timeout " + gangTimeoutMillis + " ms");
        }
    }

    /** Preemption on, any higher priority preempts, a fifth of a consumer's allocations per hour, ten minutes' wait, a minute per gang. */
    public static SchedulingSettings defaults() {
        return new SchedulingSettings(true, 1, 20, 3_600_000, 600_000, 60_000);
    }

    /** The budget in percent of a consumer whose policy says {@code policyPercent} (null: none said). */
    public int budgetPercent(final Integer policyPercent) {
        return policyPercent == null ? disruptionPercent : policyPercent;
    }
}
