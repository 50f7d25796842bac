package dev.orchestrator.topology.schedule;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * When each consumer's allocations were preempted on this task, within the disruption window: what
 * its budget has left. Built again after a restart from the allocation records, which keep when they
 * were last preempted (a record that moved here from another task counts too: the count errs high).
 */
public final class PreemptionBudget {
    private final Map<String, Deque<Long>> preempted = new HashMap<>();

    /** An allocation of {@code consumerId} was preempted at {@code at}. */
    public void preempted(final String consumerId, final long at) {
        preempted.computeIfAbsent(consumerId, c -> new ArrayDeque<>()).addLast(at);
    }

    /** Preemptions of {@code consumerId} since {@code windowStart}; older ones are forgotten. */
    public int since(final String consumerId, final long windowStart) {
        final Deque<Long> times = preempted.get(consumerId);
        if (times == null) {
            return 0;
        }
        times.removeIf(at -> at < windowStart);
        if (times.isEmpty()) {
            preempted.remove(consumerId);
            return 0;
        }
        return times.size();
    }
}
