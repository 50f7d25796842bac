package dev.orchestrator.topology.schedule;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * What each consumer's disruption budget on this task has used within the window: when its
 * allocations were preempted here, and when allocations that had held capacity elsewhere came here
 * (placed again after a preemption or a failed provisioning, or migrated in). Those are left out of
 * the allocations the budget is a share of, so that no allocation counts toward two tasks' shares
 * within one window: the shares of all tasks then add up to at most the consumer's share of all it
 * held, and the budget holds across tasks (invariant 7). Built again after a restart from the
 * allocation records (a record that moved here counts its last preemption too: the count errs high).
 */
public final class PreemptionBudget {
    private final Map<String, Deque<Long>> preempted = new HashMap<>();
    private final Map<String, Deque<Long>> arrived = new HashMap<>();

    /** An allocation of {@code consumerId} was preempted at {@code at}. */
    public void preempted(final String consumerId, final long at) {
        preempted.computeIfAbsent(consumerId, c -> new ArrayDeque<>()).addLast(at);
    }

    /** An allocation of {@code consumerId} that had held capacity elsewhere came to hold it here at {@code at}. */
    public void arrived(final String consumerId, final long at) {
        arrived.computeIfAbsent(consumerId, c -> new ArrayDeque<>()).addLast(at);
    }

    /** Preemptions of {@code consumerId} since {@code windowStart}; older ones are forgotten. */
    public int since(final String consumerId, final long windowStart) {
        return count(preempted, consumerId, windowStart);
    }

    /** Allocations of {@code consumerId} that came here since {@code windowStart}. */
    public int arrivedSince(final String consumerId, final long windowStart) {
        return count(arrived, consumerId, windowStart);
    }

    /** How many more of the {@code held} allocations of {@code consumerId} here may be preempted, at {@code percent}. */
    public int allowance(final String consumerId, final long held, final int percent, final long windowStart) {
        final long counted = Math.max(0, held - arrivedSince(consumerId, windowStart));
        return dev.orchestrator.topology.optimize.DisruptionLimit.allowance((int) Math.min(Integer.MAX_VALUE, counted),
                since(consumerId, windowStart), percent);
    }

    private static int count(final Map<String, Deque<Long>> events, final String consumerId, final long windowStart) {
        final Deque<Long> times = events.get(consumerId);
        if (times == null) {
            return 0;
        }
        times.removeIf(at -> at <= windowStart);
        if (times.isEmpty()) {
            events.remove(consumerId);
            return 0;
        }
        return times.size();
    }
}
