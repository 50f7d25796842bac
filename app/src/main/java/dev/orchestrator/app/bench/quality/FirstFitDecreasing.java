package dev.orchestrator.app.bench.quality;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The classic greedy baseline: demands largest first (by their larger share of the average unit),
 * each onto the cheapest allowed unit that still has room (with fixed costs: a unit in use before any
 * other, then the cheapest to open), as the first-fit-decreasing construction
 * heuristic of constraint solvers does. It sees every demand up front, which the stream never does.
 */
public final class FirstFitDecreasing {
    private FirstFitDecreasing() {
    }

    public static Map<String, String> solve(final QualityInstance instance) {
        final double cpuScale = instance.units().stream().mapToLong(u -> u.capacity().cpuMillis()).average().orElse(1);
        final double memoryScale = instance.units().stream().mapToLong(u -> u.capacity().memoryBytes()).average().orElse(1);
        final double gpuScale = Math.max(1e-9, instance.units().stream().mapToLong(u -> u.capacity().gpuCount()).average().orElse(1));
        final List<QualityInstance.Need> order = instance.demands().stream()
                .sorted(Comparator.comparingDouble((QualityInstance.Need n) -> Math.max(Math.max(n.capacity().cpuMillis() / cpuScale,
                        n.capacity().memoryBytes() / memoryScale), n.capacity().gpuCount() / gpuScale)).reversed()
                        .thenComparing(QualityInstance.Need::id))
                .toList();
        final Map<String, long[]> free = new HashMap<>();
        instance.units().forEach(u -> free.put(u.id(), new long[] {u.capacity().cpuMillis(), u.capacity().memoryBytes(),
                u.capacity().gpuCount()}));
        final boolean fixedCost = instance.terms().fixedCost();
        final Map<String, String> placement = new HashMap<>();
        for (final QualityInstance.Need need : order) {
            QualityInstance.Unit best = null;
            long bestCost = Long.MAX_VALUE;
            for (final QualityInstance.Unit unit : instance.units()) {
                final long[] room = free.get(unit.id());
                if (QualityInstance.allowed(need, unit) && room[0] >= need.capacity().cpuMillis()
                        && room[1] >= need.capacity().memoryBytes() && room[2] >= need.capacity().gpuCount()) {
                    // with fixed costs a unit already in use costs nothing more
                    final boolean inUse = room[0] < unit.capacity().cpuMillis() || room[1] < unit.capacity().memoryBytes();
                    final long cost = !fixedCost ? QualityInstance.cost(need, unit) : inUse ? 0 : unit.pricePerHourMicros();
                    if (cost < bestCost) {
                        best = unit;
                        bestCost = cost;
                    }
                }
            }
            if (best != null) {
                final long[] room = free.get(best.id());
                room[0] -= need.capacity().cpuMillis();
                room[1] -= need.capacity().memoryBytes();
                room[2] -= need.capacity().gpuCount();
                placement.put(need.id(), best.id());
            }
        }
        return placement;
    }
}
