package dev.orchestrator.topology.model;

import java.util.Map;
import java.util.Set;

/**
 * A consumer's policy in canonical units. Limits use {@link Integer#MAX_VALUE} / {@link Long#MAX_VALUE}
 * for "none"; {@code maxCapacity} null means no capacity quota; empty region set means all regions.
 * {@code priority} and {@code maxWaitMillis} apply to its demands that name none (0: no waiting);
 * {@code disruptionPercent} is its disruption budget for preemption (null: the engine's default).
 */
public record PolicyTerms(int maxUnits, Capacity maxCapacity, long budgetMicros, long budgetPeriodMillis,
                          Set<String> allowedRegions, Set<String> deniedProviders, long maxPriceMicros,
                          boolean spread, Map<String, Double> weights, int priority, long maxWaitMillis,
                          Integer disruptionPercent) {
    public static final long MONTH_MILLIS = 30L * 24 * 3600 * 1000;
    /** The policy of a consumer nobody wrote one for: no limits, engine default weights. */
    public static final PolicyTerms UNLIMITED = new PolicyTerms(Integer.MAX_VALUE, null, Long.MAX_VALUE,
            MONTH_MILLIS, Set.of(), Set.of(), Long.MAX_VALUE, false, Map.of(), 0, 0, null);

    public PolicyTerms {
        allowedRegions = Set.copyOf(allowedRegions);
        deniedProviders = Set.copyOf(deniedProviders);
        weights = Map.copyOf(weights);
    }

    /** Terms at priority 0 whose demands never wait. */
    public PolicyTerms(final int maxUnits, final Capacity maxCapacity, final long budgetMicros, final long budgetPeriodMillis,
                       final Set<String> allowedRegions, final Set<String> deniedProviders, final long maxPriceMicros,
                       final boolean spread, final Map<String, Double> weights) {
        this(maxUnits, maxCapacity, budgetMicros, budgetPeriodMillis, allowedRegions, deniedProviders, maxPriceMicros,
                spread, weights, 0, 0, null);
    }
}
