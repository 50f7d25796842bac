package dev.orchestrator.topology.read;

import java.util.List;
import java.util.Map;

/**
 * One task's wait queue as last seen by its stream thread, for {@code /v1/queues} and {@code /metrics}:
 * how many wait per pool and per priority, and how the waits that ended went, per priority.
 */
public record QueueView(List<Pool> pools, Map<Integer, Integer> byPriority, Map<Integer, Waited> waited, long at) {
    public static final QueueView EMPTY = new QueueView(List.of(), Map.of(), Map.of(), 0);

    public QueueView {
        pools = List.copyOf(pools);
        byPriority = Map.copyOf(byPriority);
        waited = Map.copyOf(waited);
    }

    /** How many wait in a pool (kind and regions asked), and since when the longest has. */
    public record Pool(String pool, int waiting, long oldestSince) {
    }

    /** Waits that ended at one priority since this task started: placed (with their total and longest wait) or expired. */
    public record Waited(long placed, long waitedMillis, long longestMillis, long expired) {
        public Waited plus(final Waited other) {
            return new Waited(placed + other.placed, waitedMillis + other.waitedMillis,
                    Math.max(longestMillis, other.longestMillis), expired + other.expired);
        }
    }
}
