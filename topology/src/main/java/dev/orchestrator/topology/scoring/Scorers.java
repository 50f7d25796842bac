package dev.orchestrator.topology.scoring;

import dev.orchestrator.topology.model.Capacity;
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
    public static final String ALIGNMENT = "alignment";
    public static final String BEST_FIT = "best-fit";
    public static final String BALANCE = "balance";
    /** Not a scorer: above 0 (the default), {@link Filters#GPU_RESERVE} keeps GPU units' CPU and memory for GPU jobs. */
    public static final String GPU_RESERVE = "gpu-reserve";

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

    /**
     * A demand whose shape matches the unit's free shape is better: the cosine of the two vectors (CPU,
     * memory, storage, GPUs, each as a share of the unit), so a memory-heavy job goes where memory is what is
     * left, and no dimension is stranded by filling another (Tetris's alignment, as a cosine).
     */
    public static final Scorer ALIGNMENT_SCORER = of(ALIGNMENT, (c, u) -> alignment(c.demand().capacity(), u.capacity(), u.free()));
    /**
     * Less left over on the demand's bottleneck dimension (where it takes the largest share of what is free)
     * is better: best fit where it binds, which keeps the larger free blocks for larger demands.
     */
    public static final Scorer BEST_FIT_SCORER = of(BEST_FIT, (c, u) -> -leftOnBottleneck(c.demand().capacity(), u.capacity(), u.free()));

    /**
     * A unit whose CPU and memory are left in the same proportion of the unit after the placement is better: the
     * gap between the two leftover shares, negated. A unit left with memory and no CPU (or the other way round)
     * strands what is left; keeping the two level leaves room a demand of any shape can use.
     */
    public static final Scorer BALANCE_SCORER = of(BALANCE, (c, u) -> -leftoverGap(c.demand().capacity(), u.capacity(), u.free()));

    /** Weights by scorer; alignment, best fit and balance count only when a policy weighs them (0 by default). */
    public static final Map<String, Double> DEFAULT_WEIGHTS = Map.of(
            PRICE, 1.0, LATENCY, 0.5, RELIABILITY, 0.5, PACKING, 0.5, SPREADING, 0.5, GPU_SPARING, 1.0, ALIGNMENT, 0.0,
            BEST_FIT, 0.0, GPU_RESERVE, 1.0, BALANCE, 0.0);

    private Scorers() {
    }

    /** The scorers for a consumer: packing or spreading by its strategy, never both; GPU sparing for compute. */
    public static List<Scorer> forStrategy(final boolean spread, final UnitKind kind) {
        final Scorer fill = spread ? SPREADING_SCORER : PACKING_SCORER;
        return kind == UnitKind.COMPUTE ? List.of(PRICE_SCORER, LATENCY_SCORER, RELIABILITY_SCORER, fill, GPU_SPARING_SCORER)
                : List.of(PRICE_SCORER, LATENCY_SCORER, RELIABILITY_SCORER, fill);
    }

    /**
     * As {@link #forStrategy(boolean, UnitKind)}, with alignment and best fit when {@code weights} weigh them:
     * unweighted they cost nothing per candidate and are not in an explanation.
     */
    public static List<Scorer> forStrategy(final boolean spread, final UnitKind kind, final Map<String, Double> weights) {
        final List<Scorer> base = forStrategy(spread, kind);
        if (weights.getOrDefault(ALIGNMENT, 0.0) <= 0 && weights.getOrDefault(BEST_FIT, 0.0) <= 0
                && weights.getOrDefault(BALANCE, 0.0) <= 0) {
            return base;
        }
        final List<Scorer> out = new java.util.ArrayList<>(base);
        if (weights.getOrDefault(ALIGNMENT, 0.0) > 0) {
            out.add(ALIGNMENT_SCORER);
        }
        if (weights.getOrDefault(BEST_FIT, 0.0) > 0) {
            out.add(BEST_FIT_SCORER);
        }
        if (weights.getOrDefault(BALANCE, 0.0) > 0) {
            out.add(BALANCE_SCORER);
        }
        return List.copyOf(out);
    }

    /** The cosine of {@code wanted} and {@code free}, each dimension a share of {@code total}; 0 when either is empty. */
    static double alignment(final Capacity wanted, final Capacity total, final Capacity free) {
        final double[] d = shares(wanted, total);
        final double[] f = shares(free, total);
        double dot = 0;
        double dd = 0;
        double ff = 0;
        for (int i = 0; i < d.length; i++) {
            dot += d[i] * f[i];
            dd += d[i] * d[i];
            ff += f[i] * f[i];
        }
        return dd == 0 || ff == 0 ? 0 : dot / Math.sqrt(dd * ff);
    }

    /** How far apart the CPU and memory left after {@code wanted} are, each as a share of {@code total}. */
    static double leftoverGap(final Capacity wanted, final Capacity total, final Capacity free) {
        final double[] d = shares(wanted, total);
        final double[] f = shares(free, total);
        return Math.abs((f[0] - d[0]) - (f[1] - d[1]));
    }

    /** What is left of {@code free} on the bottleneck dimension after {@code wanted}, as a share of {@code total}. */
    static double leftOnBottleneck(final Capacity wanted, final Capacity total, final Capacity free) {
        final double[] d = shares(wanted, total);
        final double[] f = shares(free, total);
        int bottleneck = -1;
        double tightest = -1;
        for (int i = 0; i < d.length; i++) {
            if (d[i] > 0 && f[i] > 0 && d[i] / f[i] > tightest) {
                tightest = d[i] / f[i];
                bottleneck = i;
            }
        }
        return bottleneck < 0 ? 1 : Math.max(0, f[bottleneck] - d[bottleneck]);
    }

    private static double[] shares(final Capacity part, final Capacity total) {
        return new double[] {share(part.cpuMillis(), total.cpuMillis()), share(part.memoryBytes(), total.memoryBytes()),
            share(part.storageBytes(), total.storageBytes()), share(part.gpuCount(), total.gpuCount())};
    }

    private static double share(final long part, final long total) {
        return total <= 0 ? 0 : (double) part / total;
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
