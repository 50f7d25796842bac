package dev.orchestrator.topology.normalize;

import dev.orchestrator.avro.Policy;
import dev.orchestrator.avro.ScoringStrategy;
import dev.orchestrator.avro.Sla;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.PolicyTerms;
import dev.orchestrator.topology.model.SlaTerms;
import dev.orchestrator.topology.scoring.Scorers;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Validates operators' policies and SLAs and turns them into the terms the rules use. */
public final class PolicyTermsMapper {
    private static final long HOUR = 3_600_000L;

    private PolicyTermsMapper() {
    }

    public static PolicyTerms terms(final Policy policy, final Normalizer normalizer, final RegionAliases regions) {
        if (policy.getMaxUnits() != null && policy.getMaxUnits() < 0) {
            throw new InvalidInputException("maxUnits", "must not be negative");
        }
        final Capacity maxCapacity = policy.getMaxCapacity() == null ? null : new Capacity(
                nonNegative(policy.getMaxCapacity().getCpuMillis(), "maxCapacity.cpuMillis"),
                nonNegative(policy.getMaxCapacity().getMemoryBytes(), "maxCapacity.memoryBytes"),
                nonNegative(policy.getMaxCapacity().getStorageBytes(), "maxCapacity.storageBytes"),
                (int) nonNegative(policy.getMaxCapacity().getGpuCount(), "maxCapacity.gpuCount"), null);
        final Set<String> allowed = new HashSet<>();
        for (int i = 0; i < policy.getAllowedRegions().size(); i++) {
            allowed.add(regions.canonical(policy.getAllowedRegions().get(i), "allowedRegions[" + i + "]"));
        }
        for (final Map.Entry<String, Double> weight : policy.getWeights().entrySet()) {
            if (!Scorers.DEFAULT_WEIGHTS.containsKey(weight.getKey())) {
                throw new InvalidInputException("weights." + weight.getKey(), "unknown scorer; known: "
                        + Scorers.DEFAULT_WEIGHTS.keySet());
            }
            if (!(weight.getValue() >= 0 && weight.getValue() <= 1000)) {
                throw new InvalidInputException("weights." + weight.getKey(), "must be from 0 to 1000");
            }
        }
        final long period = switch (policy.getBudgetPeriod()) {
            case HOUR -> HOUR;
            case DAY -> 24 * HOUR;
            case MONTH -> PolicyTerms.MONTH_MILLIS;
        };
        return new PolicyTerms(policy.getMaxUnits() == null ? Integer.MAX_VALUE : policy.getMaxUnits(), maxCapacity,
                policy.getBudget() == null ? Long.MAX_VALUE : normalizer.currency().toBaseMicros(policy.getBudget(), "budget"),
                period, allowed, Set.copyOf(policy.getDeniedProviders()),
                policy.getMaxPricePerHour() == null ? Long.MAX_VALUE
                        : normalizer.currency().toBaseMicros(policy.getMaxPricePerHour(), "maxPricePerHour"),
                policy.getStrategy() == ScoringStrategy.SPREAD, policy.getWeights(),
                policy.getPriority() == null ? 0 : Normalizer.priority(policy.getPriority(), "priority"),
                policy.getMaxWaitSeconds() == null ? 0 : Normalizer.waitMillis(policy.getMaxWaitSeconds(), "maxWaitSeconds"),
                policy.getDisruptionBudgetPercent() == null ? null : (Integer) percent(policy.getDisruptionBudgetPercent(),
                        "disruptionBudgetPercent"));
    }

    public static SlaTerms terms(final Sla sla) {
        Normalizer.requireId(sla.getSlaId(), "slaId");
        if (!(sla.getMaxLatencyMillis() > 0 && sla.getMaxLatencyMillis() <= 3_600_000)) {
            throw new InvalidInputException("maxLatencyMillis", "must be a finite number above 0, at most 3600000 ms");
        }
        if (!(sla.getMinAvailability() >= 0 && sla.getMinAvailability() <= 1)) {
            throw new InvalidInputException("minAvailability", "must be from 0 to 1");
        }
        if (sla.getWindowMillis() <= 0 || sla.getWindowMillis() > 366L * 24 * 3600 * 1000) {
            throw new InvalidInputException("windowMillis", "must be from 1 ms to a year");
        }
        if (sla.getPenaltyPercent() < 0 || sla.getPenaltyPercent() > 100) {
            throw new InvalidInputException("penaltyPercent", "must be from 0 to 100");
        }
        return new SlaTerms(sla.getSlaId(), sla.getMaxLatencyMillis(), sla.getMinAvailability(), sla.getWindowMillis(),
                sla.getPenaltyPercent());
    }

    private static int percent(final int value, final String field) {
        if (value < 0 || value > 100) {
            throw new InvalidInputException(field, "must be from 0 to 100");
        }
        return value;
    }

    private static long nonNegative(final long value, final String field) {
        if (value < 0) {
            throw new InvalidInputException(field, "must not be negative");
        }
        return value;
    }
}
