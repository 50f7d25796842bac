package dev.orchestrator.topology.read;

import dev.orchestrator.topology.model.PolicyTerms;
import java.util.Map;
import java.util.Set;

/** A consumer's policy as the engine applies it: limits absent when none, money in micro-units of the base currency. */
public record PolicyRead(String consumerId, Integer maxUnits, CapacityRead maxCapacity, Long budgetMicros,
                         long budgetPeriodMillis, Set<String> allowedRegions, Set<String> deniedProviders,
                         Long maxPricePerHourMicros, String strategy, Map<String, Double> weights, int priority,
                         long maxWaitSeconds, Integer disruptionBudgetPercent) {
    public static PolicyRead of(final String consumerId, final PolicyTerms p) {
        return new PolicyRead(consumerId, p.maxUnits() == Integer.MAX_VALUE ? null : p.maxUnits(),
                CapacityRead.of(p.maxCapacity()), p.budgetMicros() == Long.MAX_VALUE ? null : p.budgetMicros(),
                p.budgetPeriodMillis(), p.allowedRegions(), p.deniedProviders(),
                p.maxPriceMicros() == Long.MAX_VALUE ? null : p.maxPriceMicros(), p.spread() ? "SPREAD" : "PACK", p.weights(),
                p.priority(), p.maxWaitMillis() / 1000, p.disruptionPercent());
    }
}
