package dev.orchestrator.app.bench.quality;

import dev.orchestrator.topology.model.Capacity;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Hard cloud-balancing instances, seeded: units of three shapes (CPU-heavy, memory-heavy, GPU nodes) and
 * demands of three shapes asking 120-150% of what the fleet has on CPU, memory and GPUs, so stranding
 * capacity on one dimension costs placements on another; with fixed costs 60-80%, so the units a plan leaves
 * empty are what it saves. A rejected demand is charged per unit
 * asked, at twice the dearest rate in the fleet (per vCPU-hour and GB-hour of a CPU unit, per GPU-hour of a
 * GPU node), so a placement at pro-rata price on a unit of its kind always beats a rejection.
 */
final class HardInstances {
    private static final long CORE = 1_000;
    private static final long GB = 1_000_000_000L;
    private static final String GPU = "a100";

    private HardInstances() {
    }

    static QualityInstance generate(final long seed, final int unitCount, final int demandCount, final int regionCount,
                                    final boolean fixedCost) {
        final Random random = new Random(seed);
        final List<String> regions = QualityInstance.regions(regionCount);
        final double[] providerFactor = QualityInstance.providerMargins(random);
        final List<QualityInstance.Unit> units = new ArrayList<>();
        long cpuTotal = 0;
        long memoryTotal = 0;
        long gpuTotal = 0;
        double perCore = 0;
        double perGb = 0;
        double perGpu = 0;
        for (int u = 0; u < unitCount; u++) {
            final double shape = random.nextDouble();
            final long cores;
            final long memoryGb;
            final int gpus;
            if (shape < 0.45) {
                cores = 16L << random.nextInt(2);
                memoryGb = cores * 2;
                gpus = 0;
            } else if (shape < 0.8) {
                cores = 8L << random.nextInt(2);
                memoryGb = cores * 8;
                gpus = 0;
            } else {
                cores = 32;
                memoryGb = 256;
                gpus = 4 << random.nextInt(2);
            }
            final int provider = random.nextInt(providerFactor.length);
            final double dollars = (0.04 * cores + 0.005 * memoryGb + 2.0 * gpus) * providerFactor[provider]
                    * (0.9 + 0.2 * random.nextDouble());
            final long micros = Math.round(dollars * 1_000_000);
            units.add(new QualityInstance.Unit("h" + u, "hp" + provider, regions.get(random.nextInt(regionCount)),
                    new Capacity(cores * CORE, memoryGb * GB, 0, gpus, gpus > 0 ? GPU : null), micros, 2 + random.nextInt(39)));
            cpuTotal += cores * CORE;
            memoryTotal += memoryGb * GB;
            gpuTotal += gpus;
            if (gpus == 0) {
                perCore = Math.max(perCore, micros / (double) cores);
                perGb = Math.max(perGb, micros / (double) memoryGb);
            } else {
                perGpu = Math.max(perGpu, micros / (double) gpus);
            }
        }
        // oversubscribed: 120-150% asked; with fixed costs 60-80%, so a plan may leave units empty and consolidating pays
        final double fill = fixedCost ? 0.6 + 0.2 * random.nextDouble() : 1.2 + 0.3 * random.nextDouble();
        // GPU demands ask 1 or 2 (1.5 on average): as many as fill the GPUs to the same share, at most 40% of all
        final int gpuDemands = (int) Math.min(demandCount * 0.4, Math.round(fill * gpuTotal / 1.5));
        final double[] cpuShares = new double[demandCount];
        final double[] memoryShares = new double[demandCount];
        final int[] gpus = new int[demandCount];
        double cpuSum = 0;
        double memorySum = 0;
        for (int d = 0; d < demandCount; d++) {
            if (d < gpuDemands) {
                gpus[d] = 1 + random.nextInt(2);
                cpuShares[d] = 4 + random.nextInt(5);
                memoryShares[d] = 32 + random.nextInt(33);
            } else if (random.nextDouble() < 0.55) {
                cpuShares[d] = 2 + random.nextInt(15);
                memoryShares[d] = cpuShares[d];
            } else {
                cpuShares[d] = 1 + random.nextInt(4);
                memoryShares[d] = 8 + random.nextInt(57);
            }
            cpuSum += cpuShares[d];
            memorySum += memoryShares[d];
        }
        final List<QualityInstance.Need> demands = new ArrayList<>();
        for (int d = 0; d < demandCount; d++) {
            final long cpu = Math.max(100, Math.round(cpuShares[d] / cpuSum * cpuTotal * fill / 100) * 100);
            final long memory = Math.max(GB / 10, Math.round(memoryShares[d] / memorySum * memoryTotal * fill / 1e8) * 100_000_000L);
            final String region = random.nextDouble() < 0.5 ? regions.get(random.nextInt(regionCount)) : "";
            final double slaDraw = random.nextDouble();
            final int sla = slaDraw < 0.2 ? 1 : slaDraw < 0.4 ? 2 : 0;
            demands.add(new QualityInstance.Need("hd" + d, "hc" + random.nextInt(20),
                    new Capacity(cpu, memory, 0, gpus[d], gpus[d] > 0 ? GPU : null), region, sla));
        }
        // arrival order is not size order: shuffled once, seeded
        java.util.Collections.shuffle(demands, random);
        return new QualityInstance(List.copyOf(units), List.copyOf(demands), List.copyOf(regions),
                new QualityInstance.Terms(fixedCost ? "fixed-cost" : "oversubscribed", fixedCost, Math.round(2 * perCore),
                        Math.round(2 * perGb), Math.round(2 * perGpu)));
    }
}
