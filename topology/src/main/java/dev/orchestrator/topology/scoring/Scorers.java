package dev.orchestrator.topology.scoring;

import dev.orchestrator.topology.model.UnitFacts;
import dev.orchestrator.topology.model.UnitKind;
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
    public static final String GPU_SPARING = "gpu-sparing";

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

    /**
     * A compute demand that needs no GPU is better off a unit that has GPUs: GPUs are the scarce, dear
     * part of a fleet, and a CPU job on a GPU node blocks them for whoever needs them next.
     */
    public static final Scorer GPU_SPARING_SCORER = of(GPU_SPARING,
            (c, u) -> c.demand().capacity().gpuCount() == 0 && u.capacity().gpuCount() > 0 ? -1 : 0);

    public static final Map<String, Double> DEFAULT_WEIGHTS = Map.of(
            PRICE, 1.0, LATENCY, 0.5, RELIABILITY, 0.5, PACKING, 0.5, SPREADING, 0.5, GPU_SPARING, 1.0);

    private Scorers() {
    }

    /** The scorers for a consumer: packing or spreading by its strategy, never both; GPU sparing for compute. */
    public static List<Scorer> forStrategy(final boolean spread, final UnitKind kind) {
        final Scorer fill = spread ? SPREADING_SCORER : PACKING_SCORER;
        return kind == UnitKind.COMPUTE ? List.of(PRICE_SCORER, LATENCY_SCORER, RELIABILITY_SCORER, fill, GPU_SPARING_SCORER)
                : List.of(PRICE_SCORER, LATENCY_SCORER, RELIABILITY_SCORER, fill);
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
