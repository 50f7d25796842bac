package dev.orchestrator.topology.scoring;

import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.avro.ScoreEntry;
import dev.orchestrator.topology.model.Prices;
import dev.orchestrator.topology.model.UnitView;
import java.util.ArrayList;
import java.util.Comparator;
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

    public Decision decide(final ScoringContext context, final List<UnitView> candidates) {
        final List<Scorer> scorers = Scorers.forStrategy(context.policy().spread());
        final List<UnitView> feasible = new ArrayList<>();
        final List<ScoreEntry> removed = new ArrayList<>();
        final Map<ReasonCode, Integer> removals = new EnumMap<>(ReasonCode.class);
        for (final UnitView unit : candidates) {
            final Optional<Filter> failed = firstFailing(context, unit);
            if (failed.isEmpty()) {
                feasible.add(unit);
            } else {
                removals.merge(failed.get().reason(), 1, Integer::sum);
                if (removed.size() < KEPT_REMOVALS) {
                    removed.add(new ScoreEntry(unit.unitId(), 0.0, Map.of(), failed.get().name()));
                }
            }
        }
        if (feasible.isEmpty()) {
            final ReasonCode reason = removals.entrySet().stream()
                    .max(Map.Entry.<ReasonCode, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                    .map(Map.Entry::getKey).orElse(ReasonCode.NO_FEASIBLE_UNIT);
            final String detail = candidates.isEmpty() ? "no unit of this kind in the requested regions"
                    : candidates.size() + " candidates removed: " + removals;
            return new Decision(Optional.empty(), 0, reason, detail, removed, candidates.size());
        }
        final List<ScoreEntry> scored = score(context, feasible, scorers);
        scored.sort(Comparator.comparingDouble(ScoreEntry::getTotal).reversed().thenComparing(ScoreEntry::getDataUnitId));
        final String best = scored.get(0).getDataUnitId();
        final UnitView chosen = feasible.stream().filter(u -> u.unitId().equals(best)).findFirst().orElseThrow();
        final List<ScoreEntry> breakdown = new ArrayList<>(scored.subList(0, Math.min(KEPT_CANDIDATES, scored.size())));
        breakdown.addAll(removed);
        return new Decision(Optional.of(chosen), Prices.proRata(chosen.pricePerHourMicros(), chosen.capacity(),
                context.demand().capacity()), ReasonCode.NONE, "", breakdown, candidates.size());
    }

    private Optional<Filter> firstFailing(final ScoringContext context, final UnitView unit) {
        for (final Filter filter : filters) {
            if (!filter.test(context, unit)) {
                return Optional.of(filter);
            }
        }
        return Optional.empty();
    }

    private static List<ScoreEntry> score(final ScoringContext context, final List<UnitView> feasible,
                                          final List<Scorer> scorers) {
        final double[][] raw = new double[scorers.size()][feasible.size()];
        for (int s = 0; s < scorers.size(); s++) {
            for (int u = 0; u < feasible.size(); u++) {
                raw[s][u] = scorers.get(s).raw(context, feasible.get(u));
            }
        }
        final double[] min = new double[scorers.size()];
        final double[] max = new double[scorers.size()];
        for (int s = 0; s < scorers.size(); s++) {
            min[s] = Double.POSITIVE_INFINITY;
            max[s] = Double.NEGATIVE_INFINITY;
            for (final double value : raw[s]) {
                min[s] = Math.min(min[s], value);
                max[s] = Math.max(max[s], value);
            }
        }
        final List<ScoreEntry> entries = new ArrayList<>();
        for (int u = 0; u < feasible.size(); u++) {
            final Map<String, Double> contributions = new HashMap<>();
            double total = 0;
            double weights = 0;
            for (int s = 0; s < scorers.size(); s++) {
                final String name = scorers.get(s).name();
                final double normalized = normalize(raw[s][u], min[s], max[s]);
                final double weight = context.policy().weights().getOrDefault(name, Scorers.DEFAULT_WEIGHTS.get(name));
                contributions.put(name, normalized);
                total += weight * normalized;
                weights += weight;
            }
            entries.add(new ScoreEntry(feasible.get(u).unitId(), weights > 0 ? total / weights : 0, contributions, null));
        }
        return entries;
    }

    /** Min-max over the candidates: the best gets 1, the worst 0, all equal get 1. */
    static double normalize(final double value, final double min, final double max) {
        return max == min ? 1.0 : (value - min) / (max - min);
    }
}
