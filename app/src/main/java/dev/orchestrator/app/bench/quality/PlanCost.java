package dev.orchestrator.app.bench.quality;

import java.util.HashMap;
import java.util.Map;

/**
 * What one method's placement of a {@link QualityInstance} costs: demands placed, the hourly cost of
 * those placements, and the objective (cost plus the penalty of every demand left unplaced), which is
 * what the gap compares. It refuses a plan that breaks a unit's capacity or a demand's constraints.
 */
public record PlanCost(String method, int placed, int unplaced, long costMicros, long objectiveMicros, double seconds) {
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
            final long[] sum = used.computeIfAbsent(unitId, u -> new long[2]);
            sum[0] += need.capacity().cpuMillis();
            sum[1] += need.capacity().memoryBytes();
            if (sum[0] > unit.capacity().cpuMillis() || sum[1] > unit.capacity().memoryBytes()) {
                throw new IllegalStateException(method + " overcommitted unit " + unitId);
            }
            cost += QualityInstance.cost(need, unit);
            placed++;
        }
        return new PlanCost(method, placed, instance.demands().size() - placed, cost, cost + penalty, seconds);
    }

    /** How far above {@code best} this plan's objective is, in percent. */
    public double gapPercent(final PlanCost best) {
        return best.objectiveMicros() == 0 ? 0 : 100.0 * (objectiveMicros - best.objectiveMicros()) / best.objectiveMicros();
    }
}
