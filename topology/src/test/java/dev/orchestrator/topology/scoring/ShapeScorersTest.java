package dev.orchestrator.topology.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.UnitKind;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Alignment, best fit on the bottleneck and balance, with the arithmetic written out. */
class ShapeScorersTest {
    private static final long GB = 1_000_000_000L;
    private static final Capacity UNIT = new Capacity(16_000, 64 * GB, 0, 0, null);

    @Test
    void alignmentIsTheCosineOfTheDemandsShapeAndTheFreeShape() {
        final Capacity memoryHeavy = new Capacity(1_000, 16 * GB, 0, 0, null);
        // free where memory is left: (2/16, 48/64) = (0.125, 0.75); demand (1/16, 16/64) = (0.0625, 0.25)
        final Capacity memoryLeft = new Capacity(2_000, 48 * GB, 0, 0, null);
        // free where CPU is left: (14/16, 8/64) = (0.875, 0.125)
        final Capacity cpuLeft = new Capacity(14_000, 8 * GB, 0, 0, null);

        final double good = (0.0625 * 0.125 + 0.25 * 0.75) / Math.sqrt((0.0625 * 0.0625 + 0.25 * 0.25) * (0.125 * 0.125 + 0.75 * 0.75));
        final double poor = (0.0625 * 0.875 + 0.25 * 0.125) / Math.sqrt((0.0625 * 0.0625 + 0.25 * 0.25) * (0.875 * 0.875 + 0.125 * 0.125));
        assertThat(Scorers.alignment(memoryHeavy, UNIT, memoryLeft)).isCloseTo(good, within(1e-12));
        assertThat(Scorers.alignment(memoryHeavy, UNIT, cpuLeft)).isCloseTo(poor, within(1e-12));
        assertThat(good).isGreaterThan(0.99).isGreaterThan(poor);
        assertThat(Scorers.alignment(memoryHeavy, UNIT, Capacity.ZERO)).isZero();
    }

    @Test
    void bestFitLeavesTheLeastOnTheDimensionThatBinds() {
        final Capacity demand = new Capacity(4_000, 8 * GB, 0, 0, null);
        // CPU binds on both (4/6 and 4/5 of what is free): left 2/16 and 1/16 of the unit's CPU
        final Capacity roomy = new Capacity(6_000, 40 * GB, 0, 0, null);
        final Capacity snug = new Capacity(5_000, 40 * GB, 0, 0, null);
        // memory binds here (8/9 of the free memory against 4/12 of the free CPU): 1/64 of the memory left
        final Capacity memoryBound = new Capacity(12_000, 9 * GB, 0, 0, null);

        assertThat(Scorers.leftOnBottleneck(demand, UNIT, roomy)).isCloseTo(2.0 / 16, within(1e-12));
        assertThat(Scorers.leftOnBottleneck(demand, UNIT, snug)).isCloseTo(1.0 / 16, within(1e-12));
        assertThat(Scorers.leftOnBottleneck(demand, UNIT, memoryBound)).isCloseTo(1.0 / 64, within(1e-12));
        assertThat(Scorers.BEST_FIT_SCORER.name()).isEqualTo("best-fit");
    }

    @Test
    void balanceKeepsTheCpuAndMemoryLeftInTheSameProportion() {
        final Capacity demand = new Capacity(4_000, 8 * GB, 0, 0, null);
        // left after it: CPU (8-4)/16 = 0.25, memory (24-8)/64 = 0.25: level, gap 0
        final Capacity level = new Capacity(8_000, 24 * GB, 0, 0, null);
        // left after it: CPU (12-4)/16 = 0.5, memory (16-8)/64 = 0.125: gap 0.375, memory runs out first
        final Capacity cpuHeavy = new Capacity(12_000, 16 * GB, 0, 0, null);
        assertThat(Scorers.leftoverGap(demand, UNIT, level)).isCloseTo(0.0, within(1e-12));
        assertThat(Scorers.leftoverGap(demand, UNIT, cpuHeavy)).isCloseTo(0.375, within(1e-12));
        assertThat(Scorers.forStrategy(false, UnitKind.COMPUTE, Map.of("balance", 1.0)))
                .extracting(Scorer::name).containsExactly("price", "latency", "reliability", "packing", "gpu-sparing", "balance");
        assertThat(Scorers.DEFAULT_WEIGHTS).containsEntry("balance", 0.0);
    }

    @Test
    void theyScoreOnlyWhenAPolicyWeighsThem() {
        assertThat(Scorers.forStrategy(false, UnitKind.COMPUTE, Map.of())).isEqualTo(Scorers.forStrategy(false, UnitKind.COMPUTE));
        assertThat(Scorers.forStrategy(false, UnitKind.COMPUTE, Map.of("alignment", 1.0, "best-fit", 0.0)))
                .extracting(Scorer::name).containsExactly("price", "latency", "reliability", "packing", "gpu-sparing", "alignment");
        assertThat(Scorers.forStrategy(true, UnitKind.STORAGE, Map.of("best-fit", 2.0)))
                .extracting(Scorer::name).containsExactly("price", "latency", "reliability", "spreading", "best-fit");
        assertThat(Scorers.DEFAULT_WEIGHTS).containsEntry("alignment", 0.0).containsEntry("best-fit", 0.0);
    }

    @Test
    void aGpuReserveLeavesEachFreeGpuItsShareOfCpuAndMemory() {
        // 32 vCPU, 256 GB, 8 GPUs: each GPU's share is 4 vCPU and 32 GB
        final Capacity node = new Capacity(32_000, 256 * GB, 0, 8, "a100");
        final Capacity cpuJob = new Capacity(4_000, 16 * GB, 0, 0, null);
        // 6 GPUs busy with their share: 2 free GPUs keep 8 vCPU and 64 GB, so 16 vCPU and 128 GB are there to take
        final Capacity sixBusy = new Capacity(24_000, 192 * GB, 0, 2, "a100");

        assertThat(Filters.reserveKept(cpuJob, node, node)).as("all 8 GPUs free: nothing to spare").isFalse();
        assertThat(Filters.reserveKept(cpuJob, node, sixBusy)).isTrue();
        assertThat(Filters.reserveKept(new Capacity(17_000, 16 * GB, 0, 0, null), node, sixBusy)).as("one vCPU too many").isFalse();
        assertThat(Filters.reserveKept(new Capacity(4_000, 32 * GB, 0, 1, "a100"), node, node)).as("a GPU job").isTrue();
        assertThat(Filters.reserveKept(cpuJob, new Capacity(16_000, 64 * GB, 0, 0, null), UNIT)).as("no GPUs").isTrue();
    }
}
