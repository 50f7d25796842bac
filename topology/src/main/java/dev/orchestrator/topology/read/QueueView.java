package dev.orchestrator.topology.read;

import java.util.List;
import java.util.Map;

/**
 * One task's wait queue as last seen by its stream thread, for {@code /v1/queues} and {@code /metrics}:
 * how many wait per pool and per priority, how the waits that ended went, per priority, its gangs, and what its
 * background optimizer's last round saw.
 */
public record QueueView(List<Pool> pools, Map<Integer, Integer> byPriority, Map<Integer, Waited> waited, long at,
                        Gangs gangs, dev.orchestrator.topology.optimize.OptimizerView optimizer) {
    public static final QueueView EMPTY = new QueueView(List.of(), Map.of(), Map.of(), 0, Gangs.NONE, null);

    public QueueView {
        pools = List.copyOf(pools);
        byPriority = Map.copyOf(byPriority);
        waited = Map.copyOf(waited);
        // a view from an instance that predates gangs has none
        gangs = gangs == null ? Gangs.NONE : gangs;
        optimizer = optimizer == null ? dev.orchestrator.topology.optimize.OptimizerView.NONE : optimizer;
    }

    /**
     * The optimizer's estimate of the gap to a repacked plan: of the demand it knows of (placed, and turned away
     * lately), the share turned away although the room added up would have held it.
     */
    public static double estimatedGap(final long roomInPieces, final long turnedAway, final long allocations) {
        return turnedAway + allocations == 0 ? 0 : (double) roomInPieces / (turnedAway + allocations);
    }

    /** The same view with the optimizer's last round. */
    public QueueView withOptimizer(final dev.orchestrator.topology.optimize.OptimizerView view) {
        return new QueueView(pools, byPriority, waited, at, gangs, view);
    }

    /** Gangs gathering here now (and their members), and since start: placed, timed out, handed to another task. */
    public record Gangs(int gathering, int members, long placed, long timedOut, long handedOver) {
        public static final Gangs NONE = new Gangs(0, 0, 0, 0, 0);
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
