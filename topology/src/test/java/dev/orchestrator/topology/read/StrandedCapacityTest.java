package dev.orchestrator.topology.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StrandedCapacityTest {
    private static final long GB = 1_000_000_000L;

    private static UnitRead unit(final String region, final boolean allocatable, final CapacityRead capacity, final CapacityRead free) {
        return new UnitRead("u", "p", "COMPUTE", region, "pool", "IN_USE", true, allocatable, capacity, CapacityRead.ZERO, free,
                0, 0, 1, 0, 0);
    }

    private static CapacityRead c(final long cores, final long gb, final int gpus) {
        return new CapacityRead(cores * 1000, gb * GB, 0, gpus, gpus > 0 ? "l4" : null);
    }

    @Test
    void freeMemoryBesideExhaustedCpuIsStrandedAndTheOtherWayRound() {
        final Map<String, Map<String, StrandedCapacity.Amounts>> pools = StrandedCapacity.of(List.of(
                // 16 cores, 64 GB: 0.5 cores free (3% < 5%) strands its 40 GB
                unit("eu", true, c(16, 64, 0), new CapacityRead(500, 40 * GB, 0, 0, null)),
                // 8 free cores beside 2 GB of 64 (3%): the cores are stranded
                unit("eu", true, c(16, 64, 0), c(8, 2, 0)),
                // balanced room strands nothing
                unit("eu", true, c(16, 64, 0), c(8, 32, 0))));
        final Map<String, StrandedCapacity.Amounts> eu = pools.get("COMPUTE eu");
        assertThat(eu).containsOnlyKeys("cpu", "memory");
        assertThat(eu.get("cpu")).isEqualTo(new StrandedCapacity.Amounts(48_000, 16_500, 8_000));
        assertThat(eu.get("memory")).isEqualTo(new StrandedCapacity.Amounts(192 * GB, 74 * GB, 40 * GB));
        assertThat(eu.get("memory").strandedShare()).isEqualTo(40.0 / 192);
    }

    @Test
    void aFreeGpuNeedsItsShareOfCpuAndMemoryBesideItAndUnitsOutOfServiceDoNotCount() {
        // 4 GPUs, 16 cores, 64 GB: a GPU's share is 4 cores and 16 GB
        final Map<String, Map<String, StrandedCapacity.Amounts>> pools = StrandedCapacity.of(List.of(
                unit("us", true, c(16, 64, 4), c(3, 40, 2)),    // 3 cores < 4: both free GPUs stranded
                unit("us", true, c(16, 64, 4), c(4, 16, 1)),    // exactly a share: not stranded
                unit("us", false, c(16, 64, 4), c(0, 0, 4))));  // in maintenance: left out
        final StrandedCapacity.Amounts gpu = pools.get("COMPUTE us").get("gpu");
        assertThat(gpu).isEqualTo(new StrandedCapacity.Amounts(8, 3, 2));
    }
}
