package dev.orchestrator.app.bench.quality;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one method's placement of a {@link QualityInstance} costs: demands placed, the hourly cost of
 * those placements (pro rata, or each used unit's whole price in a fixed-cost family), the objective (cost
 * plus the penalty of every demand left unplaced), which is what the gap compares; and per dimension (cpu,
 * memory, gpu) the share of the fleet placed and the share stranded. It refuses a plan that breaks a unit's
 * capacity or a demand's constraints.
 */
public record PlanCost(String method, int placed, int unplaced, long costMicros, long objectiveMicros, double seconds,
                       Map<String, Double> placedPercent, Map<String, Double> strandedPercent) {
    private static final List<String> DIMENSIONS = List.of("cpu", "memory", "gpu");

    public static PlanCost of(final String method, final QualityInstance instance, final Map<String, String> unitByDemand,
                              final double seconds) {
        final Map<String, QualityInstance.Unit> units = new HashMap<>();
        instance.units().forEach(u -> units.put(u.id(), u));
        final Map<String, long[]> used = new HashMap<>();
        long cost = 0;
        long penalty = 0;
        int placed = 0;
        for (final QualityInstance.Need need : instance.demands()) {
            final String unitId = unitByDemand.get(need.id());
            if (unitId == null) {
                penalty += instance.unplacedPenalty(need);
                continue;
            }
            final QualityInstance.Unit unit = units.get(unitId);
            if (unit == null || !QualityInstance.allowed(need, unit)) {
                throw new IllegalStateException(method + " placed " + need.id() + " on " + unitId + ", which it may not use");
            }
            final long[] sum = used.computeIfAbsent(unitId, u -> new long[3]);
            sum[0] += need.capacity().cpuMillis();
            sum[1] += need.capacity().memoryBytes();
            sum[2] += need.capacity().gpuCount();
            if (sum[0] > unit.capacity().cpuMillis() || sum[1] > unit.capacity().memoryBytes() || sum[2] > unit.capacity().gpuCount()) {
                throw new IllegalStateException(method + " overcommitted unit " + unitId);
            }
            if (!instance.terms().fixedCost()) {
                cost += QualityInstance.cost(need, unit);
            }
            placed++;
        }
        if (instance.terms().fixedCost()) {
            for (final String unitId : used.keySet()) {
                cost += units.get(unitId).pricePerHourMicros();
            }
        }
        final double[][] shares = shares(instance, used);
        final Map<String, Double> placedPercent = new java.util.LinkedHashMap<>();
        final Map<String, Double> strandedPercent = new java.util.LinkedHashMap<>();
        for (int d = 0; d < DIMENSIONS.size(); d++) {
            placedPercent.put(DIMENSIONS.get(d), shares[0][d]);
            strandedPercent.put(DIMENSIONS.get(d), shares[1][d]);
        }
        return new PlanCost(method, placed, instance.demands().size() - placed, cost, cost + penalty, seconds, placedPercent,
                strandedPercent);
    }

    /**
     * Per dimension, the share of the fleet placed ([0]) and stranded ([1]) in percent. A unit's free capacity
     * on one dimension is stranded when its free capacity on another is less than the smallest demand asks
     * there, so no demand of the instance fits on it whatever is free on the first (a GPU demand's smallest
     * CPU and memory count for free GPUs).
     */
    static double[][] shares(final QualityInstance instance, final Map<String, long[]> used) {
        final long[] smallest = {Long.MAX_VALUE, Long.MAX_VALUE};
        final long[] smallestForGpu = {Long.MAX_VALUE, Long.MAX_VALUE};
        for (final QualityInstance.Need need : instance.demands()) {
            final long[] target = need.capacity().gpuCount() > 0 ? smallestForGpu : smallest;
            target[0] = Math.min(target[0], need.capacity().cpuMillis());
            target[1] = Math.min(target[1], need.capacity().memoryBytes());
        }
        final double[] total = new double[3];
        final double[] placed = new double[3];
        final double[] stranded = new double[3];
        for (final QualityInstance.Unit unit : instance.units()) {
            final long[] sum = used.getOrDefault(unit.id(), new long[3]);
            final long[] capacity = {unit.capacity().cpuMillis(), unit.capacity().memoryBytes(), unit.capacity().gpuCount()};
            final long[] free = {capacity[0] - sum[0], capacity[1] - sum[1], capacity[2] - sum[2]};
            for (int d = 0; d < 3; d++) {
                total[d] += capacity[d];
                placed[d] += sum[d];
            }
            // free CPU is stranded when no demand's memory fits beside it, and the other way round
            if (free[1] < smallest[1]) {
                stranded[0] += free[0];
            }
            if (free[0] < smallest[0]) {
                stranded[1] += free[1];
            }
            if (free[2] > 0 && (free[0] < smallestForGpu[0] || free[1] < smallestForGpu[1])) {
                stranded[2] += free[2];
            }
        }
        final double[][] out = new double[2][3];
        for (int d = 0; d < 3; d++) {
            out[0][d] = total[d] == 0 ? 0 : 100 * placed[d] / total[d];
            out[1][d] = total[d] == 0 ? 0 : 100 * stranded[d] / total[d];
        }
        return out;
    }

    /** How far above {@code best} this plan's objective is, in percent. */
    public double gapPercent(final PlanCost best) {
        return best.objectiveMicros() == 0 ? 0 : 100.0 * (objectiveMicros - best.objectiveMicros()) / best.objectiveMicros();
    }
}
