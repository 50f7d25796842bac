package dev.orchestrator.topology.scoring;

import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.model.Candidate;
import dev.orchestrator.topology.model.Prices;
import dev.orchestrator.topology.model.UnitFacts;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Filters, then scores, then picks: each filter can drop a unit with a reason, each scorer adds a
 * normalized, weighted contribution, and ties go to the smaller unit id so replays decide the same.
 */
public final class ScoringPipeline {
    private static final int KEPT_CANDIDATES = 3;
    private static final int KEPT_REMOVALS = 5;

    private final List<Filter> filters;

    public ScoringPipeline(final List<Filter> filters) {
        this.filters = List.copyOf(filters);
    }

    public Decision decide(final ScoringContext context, final List<? extends UnitFacts> candidates) {
        final List<Scorer> scorers = Scorers.forStrategy(context.policy().spread(), context.demand().kind(),
                context.policy().weights());
        final List<UnitFacts> feasible = new ArrayList<>();
        final List<Candidate> removed = new ArrayList<>();
        final Map<ReasonCode, Integer> removals = new EnumMap<>(ReasonCode.class);
        for (final UnitFacts unit : candidates) {
            final Optional<Filter> failed = firstFailing(context, unit);
            if (failed.isEmpty()) {
                feasible.add(unit);
            } else {
                removals.merge(failed.get().reason(), 1, Integer::sum);
                if (removed.size() < KEPT_REMOVALS) {
                    removed.add(Candidate.removed(unit.unitId(), failed.get().name()));
                }
            }
        }
        if (feasible.isEmpty()) {
            final ReasonCode reason = bindingReason(context, candidates);
            final String detail = candidates.isEmpty() ? "no unit of this kind in the requested regions"
                    : candidates.size() + " candidates removed: " + removals;
            return new Decision(Optional.empty(), 0, reason, detail, removed, candidates.size());
        }
        // totals for every feasible unit, the score breakdown only for the few an explanation shows
        final double[][] normalized = normalized(context, feasible, scorers);
        final double[] weights = new double[scorers.size()];
        double weightSum = 0;
        for (int s = 0; s < scorers.size(); s++) {
            weights[s] = context.policy().weights().getOrDefault(scorers.get(s).name(),
                    Scorers.DEFAULT_WEIGHTS.get(scorers.get(s).name()));
            weightSum += weights[s];
        }
        final double[] totals = new double[feasible.size()];
        for (int u = 0; u < feasible.size(); u++) {
            double total = 0;
            for (int s = 0; s < scorers.size(); s++) {
                total += weights[s] * normalized[s][u];
            }
            totals[u] = weightSum > 0 ? total / weightSum : 0;
        }
        final List<Integer> best = top(feasible, totals, KEPT_CANDIDATES);
        final List<Candidate> breakdown = new ArrayList<>();
        for (final int u : best) {
            final Map<String, Double> contributions = new HashMap<>();
            for (int s = 0; s < scorers.size(); s++) {
                contributions.put(scorers.get(s).name(), normalized[s][u]);
            }
            breakdown.add(new Candidate(feasible.get(u).unitId(), totals[u], contributions, null));
        }
        breakdown.addAll(removed);
        final UnitFacts chosen = feasible.get(best.get(0));
        return new Decision(Optional.of(chosen), Prices.proRata(chosen.pricePerHourMicros(), chosen.capacity(),
                context.demand().capacity()), ReasonCode.NONE, "", breakdown, candidates.size());
    }

    /** Indices of the {@code k} best totals, best first; ties go to the smaller unit id. */
    private static List<Integer> top(final List<UnitFacts> units, final double[] totals, final int k) {
        final List<Integer> best = new ArrayList<>(k + 1);
        for (int u = 0; u < totals.length; u++) {
            int at = best.size();
            while (at > 0 && better(units, totals, u, best.get(at - 1))) {
                at--;
            }
            if (at < k) {
                best.add(at, u);
                if (best.size() > k) {
                    best.remove(k);
                }
            }
        }
        return best;
    }

    private static boolean better(final List<UnitFacts> units, final double[] totals, final int a, final int b) {
        return totals[a] > totals[b] || totals[a] == totals[b] && units.get(a).unitId().compareTo(units.get(b).unitId()) < 0;
    }

    /**
     * Why nothing fits, as the constraint that binds: when some unit meets everything the demand and
     * policy ask but room, it is NO_CAPACITY (more capacity would place it); otherwise the reason
     * most units fail for, a demand-side reason before capacity when they tie (room alone would not help).
     */
    ReasonCode bindingReason(final ScoringContext context, final List<? extends UnitFacts> units) {
        final Map<ReasonCode, Integer> failing = new EnumMap<>(ReasonCode.class);
        for (final UnitFacts unit : units) {
            boolean onlyRoom = true;
            boolean any = false;
            for (final Filter filter : filters) {
                if (!filter.test(context, unit)) {
                    any = true;
                    onlyRoom &= filter.reason() == ReasonCode.NO_CAPACITY;
                    failing.merge(filter.reason(), 1, Integer::sum);
                }
            }
            if (any && onlyRoom) {
                return ReasonCode.NO_CAPACITY;
            }
        }
        return failing.entrySet().stream()
                .max(Map.Entry.<ReasonCode, Integer>comparingByValue()
                        .thenComparing(e -> e.getKey() != ReasonCode.NO_CAPACITY)
                        .thenComparing(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder())))
                .map(Map.Entry::getKey).orElse(ReasonCode.NO_FEASIBLE_UNIT);
    }

    private Optional<Filter> firstFailing(final ScoringContext context, final UnitFacts unit) {
        for (final Filter filter : filters) {
            if (!filter.test(context, unit)) {
                return Optional.of(filter);
            }
        }
        return Optional.empty();
    }

    /** Each scorer's raw values over the feasible units, min-max normalized to [0, 1]. */
    private static double[][] normalized(final ScoringContext context, final List<UnitFacts> feasible,
                                         final List<Scorer> scorers) {
        final double[][] values = new double[scorers.size()][feasible.size()];
        for (int s = 0; s < scorers.size(); s++) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int u = 0; u < feasible.size(); u++) {
                values[s][u] = scorers.get(s).raw(context, feasible.get(u));
                min = Math.min(min, values[s][u]);
                max = Math.max(max, values[s][u]);
            }
            for (int u = 0; u < feasible.size(); u++) {
                values[s][u] = normalize(values[s][u], min, max);
            }
        }
        return values;
    }

    /** Min-max over the candidates: the best gets 1, the worst 0, all equal get 1. */
    static double normalize(final double value, final double min, final double max) {
        return max == min ? 1.0 : (value - min) / (max - min);
    }
}
