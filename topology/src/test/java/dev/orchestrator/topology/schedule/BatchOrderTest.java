package dev.orchestrator.topology.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.topology.model.Capacity;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchOrderTest {
    private static final long GB = 1_000_000_000L;
    /** 64 vCPU, 256 GB, 4 GPUs. */
    private static final Capacity SCALE = new Capacity(64_000, 256 * GB, 0, 4, "l4");

    @Test
    void theDominantShareIsTheLargestShareOfAnyDimensionAndADimensionTheScaleLacksCountsAsAllOfIt() {
        // 16 vCPU of 64 is 0.25, 32 GB of 256 is 0.125: CPU dominates
        assertThat(BatchOrder.dominantShare(new Capacity(16_000, 32 * GB, 0, 0, null), SCALE)).isEqualTo(0.25);
        // 1 GPU of 4 is 0.25, 2 vCPU 0.03125, 128 GB 0.5: memory dominates
        assertThat(BatchOrder.dominantShare(new Capacity(2_000, 128 * GB, 0, 1, "l4"), SCALE)).isEqualTo(0.5);
        // storage the scale has none of
        assertThat(BatchOrder.dominantShare(new Capacity(0, 0, GB, 0, null), SCALE)).isEqualTo(1.0);
        assertThat(BatchOrder.dominantShare(Capacity.ZERO, SCALE)).isZero();
    }

    @Test
    void higherPriorityFirstThenLargerDominantShareThenArrivalOrder() {
        final List<String> order = BatchOrder.order(List.of(
                entry("small", 0, 4_000, 8),       // 0.0625
                entry("memory", 0, 2_000, 128),    // 0.5
                entry("cpu", 0, 32_000, 16),       // 0.5, after memory: it came later
                entry("urgent", 3, 1_000, 1),      // tiny, but priority 3
                entry("small-too", 0, 4_000, 8)), SCALE);
        assertThat(order).containsExactly("urgent", "memory", "cpu", "small", "small-too");
    }

    private static BatchOrder.Entry<String> entry(final String id, final int priority, final long cpuMillis, final long gb) {
        return new BatchOrder.Entry<>(id, priority, new Capacity(cpuMillis, gb * GB, 0, 0, null));
    }
}
