package dev.orchestrator.app.bench.quality;

import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.Prices;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded placement problem shaped like cloud balancing: compute units with CPU and memory, prices
 * that vary by provider, latencies, and demands that fill about 85% of the fleet, some limited to one
 * region, some bound by a latency SLA. The engine, first-fit-decreasing and the solver all price a
 * placement with {@link Prices#proRata}, so their costs compare.
 */
public record QualityInstance(List<Unit> units, List<Need> demands, List<String> regions, Terms terms) {
    private static final long CORE = 1_000;
    private static final long GB = 1_000_000_000L;
    /** Latency bound of each SLA the instance uses; index 0 is no SLA. */
    static final double[] SLA_LATENCY = {0, 15, 30};
    static final String[] SLA_IDS = {"", "sla-fast", "sla-standard"};

    /**
     * How a plan is charged: {@code family} names the instance family; with {@code fixedCost} a unit costs its
     * whole price per hour once anything runs on it (else each placement its pro-rata share); a rejected demand
     * costs {@code perCoreMicros} per vCPU, {@code perGbMicros} per GB and {@code perGpuMicros} per GPU (all 0:
     * twice its dearest allowed placement, the easy family's rule).
     */
    public record Terms(String family, boolean fixedCost, long perCoreMicros, long perGbMicros, long perGpuMicros) {
        static final Terms EASY = new Terms("easy", false, 0, 0, 0);

        /** Whether a rejected demand is charged per unit of what it asked for. */
        public boolean perUnitPenalty() {
            return perCoreMicros > 0 || perGbMicros > 0 || perGpuMicros > 0;
        }
    }

    /** A data unit of the instance. */
    public record Unit(String id, String providerId, String region, Capacity capacity, long pricePerHourMicros,
                       double latencyMillis) {
    }

    /** A demand of the instance; {@code region} empty means anywhere, {@code sla} indexes {@link #SLA_IDS}. */
    public record Need(String id, String consumerId, Capacity capacity, String region, int sla) {
        public double maxLatencyMillis() {
            return SLA_LATENCY[sla];
        }
    }

    /** The same instance without the demands of {@code ids} (those released after the stream, say). */
    public QualityInstance without(final java.util.Set<String> ids) {
        return new QualityInstance(units, demands.stream().filter(d -> !ids.contains(d.id())).toList(), regions, terms);
    }

    public static QualityInstance generate(final long seed, final int unitCount, final int demandCount, final int regionCount) {
        final Random random = new Random(seed);
        final List<String> regions = regions(regionCount);
        final double[] providerFactor = providerMargins(random);
        final List<Unit> units = new ArrayList<>();
        long cpuTotal = 0;
        long memoryTotal = 0;
        for (int u = 0; u < unitCount; u++) {
            final long cores = 8L << random.nextInt(4);
            final long memoryGb = cores * (2L << random.nextInt(3));
            final int provider = random.nextInt(providerFactor.length);
            // list price per core-hour and GB-hour, scaled by the provider's margin and a little noise
            final double dollars = (0.04 * cores + 0.005 * memoryGb) * providerFactor[provider] * (0.9 + 0.2 * random.nextDouble());
            units.add(new Unit("q" + u, "qp" + provider, regions.get(random.nextInt(regionCount)),
                    new Capacity(cores * CORE, memoryGb * GB, 0, 0, ""), Math.round(dollars * 1_000_000),
                    2 + random.nextInt(39)));
            cpuTotal += cores * CORE;
            memoryTotal += memoryGb * GB;
        }
        // demand sizes scaled so the instance asks for about 85% of the fleet on each dimension
        final List<Need> demands = new ArrayList<>();
        final double[] cpuShares = new double[demandCount];
        final double[] memoryShares = new double[demandCount];
        double cpuSum = 0;
        double memorySum = 0;
        for (int d = 0; d < demandCount; d++) {
            cpuShares[d] = 1 + random.nextInt(16);
            memoryShares[d] = 1 + random.nextInt(32);
            cpuSum += cpuShares[d];
            memorySum += memoryShares[d];
        }
        for (int d = 0; d < demandCount; d++) {
            final long cpu = Math.max(100, Math.round(cpuShares[d] / cpuSum * cpuTotal * 0.85 / 100) * 100);
            final long memory = Math.max(GB / 10, Math.round(memoryShares[d] / memorySum * memoryTotal * 0.85 / 1e8) * 100_000_000L);
            final double draw = random.nextDouble();
            final String region = draw < 0.3 ? regions.get(random.nextInt(regionCount)) : "";
            final double slaDraw = random.nextDouble();
            final int sla = slaDraw < 0.2 ? 1 : slaDraw < 0.4 ? 2 : 0;
            demands.add(new Need("qd" + d, "qc" + random.nextInt(20), new Capacity(cpu, memory, 0, 0, ""), region, sla));
        }
        return new QualityInstance(List.copyOf(units), List.copyOf(demands), List.copyOf(regions), Terms.EASY);
    }

    /** {@code count} regions, named region-0 onwards. */
    static List<String> regions(final int count) {
        final List<String> regions = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            regions.add("region-" + r);
        }
        return regions;
    }

    /** Twenty providers' price margins, 0.7 to 1.3, drawn from {@code random} (the draws an instance's seed fixes). */
    static double[] providerMargins(final Random random) {
        final double[] margins = new double[20];
        for (int p = 0; p < margins.length; p++) {
            margins[p] = 0.7 + 0.6 * random.nextDouble();
        }
        return margins;
    }

    /** Whether {@code need} may run on {@code unit} at all, before looking at what else is there. */
    public static boolean allowed(final Need need, final Unit unit) {
        return (need.region().isEmpty() || need.region().equals(unit.region()))
                && (need.sla() == 0 || unit.latencyMillis() <= need.maxLatencyMillis())
                && unit.capacity().covers(need.capacity());
    }

    public static long cost(final Need need, final Unit unit) {
        return Prices.proRata(unit.pricePerHourMicros(), unit.capacity(), need.capacity());
    }

    /**
     * What leaving {@code need} unplaced costs in the objective: the terms' rate per unit of what it asked for;
     * in the easy family twice its dearest allowed placement, so any placement beats none (a demand no unit
     * could ever take costs 0 there, as no method can place it).
     */
    public long unplacedPenalty(final Need need) {
        if (terms.perUnitPenalty()) {
            final Capacity asked = need.capacity();
            return Math.round(asked.cpuMillis() / (double) CORE * terms.perCoreMicros()
                    + asked.memoryBytes() / (double) GB * terms.perGbMicros()) + (long) asked.gpuCount() * terms.perGpuMicros();
        }
        long dearest = 0;
        for (final Unit unit : units) {
            if (allowed(need, unit)) {
                dearest = Math.max(dearest, cost(need, unit));
            }
        }
        return 2 * dearest;
    }
}
