package dev.orchestrator.topology.scoring;

import dev.orchestrator.topology.model.UnitFacts;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleBiFunction;

/** The built-in scorers and their default weights; a policy's weights override them by name. */
public final class Scorers {
    public static final String PRICE = "price";
    public static final String LATENCY = "latency";
    public static final String RELIABILITY = "reliability";
    public static final String PACKING = "packing";
    public static final String SPREADING = "spreading";

    /** Cheaper is better. */
    public static final Scorer PRICE_SCORER = of(PRICE, (c, u) -> -Filters.price(c, u));
    /** Faster is better. */
    public static final Scorer LATENCY_SCORER = of(LATENCY, (c, u) -> -u.latencyMillis());
    /** A unit that has kept its probes up is better. */
    public static final Scorer RELIABILITY_SCORER = of(RELIABILITY, (c, u) -> u.availability());
    /** Fuller after placement is better: keeps whole units free for large demands. */
    public static final Scorer PACKING_SCORER = of(PACKING, (c, u) -> utilizationAfter(c, u));
    /** Emptier after placement is better: spreads load and blast radius. */
    public static final Scorer SPREADING_SCORER = of(SPREADING, (c, u) -> -utilizationAfter(c, u));

    public static final Map<String, Double> DEFAULT_WEIGHTS = Map.of(
            PRICE, 1.0, LATENCY, 0.5, RELIABILITY, 0.5, PACKING, 0.5, SPREADING, 0.5);

    private Scorers() {
    }

    /** The scorers for a consumer: packing or spreading by its strategy, never both. */
    public static List<Scorer> forStrategy(final boolean spread) {
        return List.of(PRICE_SCORER, LATENCY_SCORER, RELIABILITY_SCORER, spread ? SPREADING_SCORER : PACKING_SCORER);
    }

    private static double utilizationAfter(final ScoringContext context, final UnitFacts unit) {
        final var used = unit.capacity().minus(unit.free()).plus(context.demand().capacity());
        return used.utilizationOf(unit.capacity());
    }

    private static Scorer of(final String name, final ToDoubleBiFunction<ScoringContext, UnitFacts> raw) {
        return new Named(name, raw);
    }

    private record Named(String name, ToDoubleBiFunction<ScoringContext, UnitFacts> function) implements Scorer {
        @Override
        public double raw(final ScoringContext context, final UnitFacts unit) {
            return function.applyAsDouble(context, unit);
        }
    }
}
