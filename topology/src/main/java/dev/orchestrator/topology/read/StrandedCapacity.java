package dev.orchestrator.topology.read;

import dev.orchestrator.topology.model.Capacity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Free capacity no demand can use, per pool (kind and region) and dimension. A unit's free capacity on one dimension
 * is stranded when another dimension it has is nearly exhausted (less than {@link #EXHAUSTED} of it free): free
 * memory beside no CPU, free CPU beside no memory. A free GPU is stranded when the CPU or memory free beside it is
 * less than one GPU's share of the unit's, as a GPU job needs both. Only allocatable units count: a unit in
 * maintenance is not capacity anyone can use.
 */
public final class StrandedCapacity {
    /** A dimension with less than this share of it free is exhausted. */
    public static final double EXHAUSTED = 0.05;
    public static final List<String> DIMENSIONS = List.of("cpu", "memory", "storage", "gpu");

    private StrandedCapacity() {
    }

    /** One pool's capacity, free and stranded amounts on one dimension (millis, bytes or GPUs). */
    public record Amounts(long capacity, long free, long stranded) {
        public double strandedShare() {
            return capacity <= 0 ? 0 : (double) stranded / capacity;
        }
    }

    /** Pool ("kind region") -> dimension -> amounts; dimensions the pool does not have are left out. */
    public static Map<String, Map<String, Amounts>> of(final Iterable<UnitRead> units) {
        final Map<String, long[][]> pools = new TreeMap<>();
        for (final UnitRead unit : units) {
            if (!unit.allocatable()) {
                continue;
            }
            final long[][] pool = pools.computeIfAbsent(unit.kind() + " " + unit.region(), p -> new long[3][4]);
            final long[] capacity = amounts(unit.capacity());
            final long[] free = amounts(unit.free());
            final long[] stranded = stranded(capacity, free);
            for (int d = 0; d < 4; d++) {
                pool[0][d] = Capacity.saturatedSum(pool[0][d], capacity[d]);
                pool[1][d] = Capacity.saturatedSum(pool[1][d], Math.max(0, free[d]));
                pool[2][d] = Capacity.saturatedSum(pool[2][d], stranded[d]);
            }
        }
        final Map<String, Map<String, Amounts>> out = new LinkedHashMap<>();
        pools.forEach((pool, sums) -> {
            final Map<String, Amounts> byDimension = new LinkedHashMap<>();
            for (int d = 0; d < 4; d++) {
                if (sums[0][d] > 0) {
                    byDimension.put(DIMENSIONS.get(d), new Amounts(sums[0][d], sums[1][d], sums[2][d]));
                }
            }
            out.put(pool, byDimension);
        });
        return out;
    }

    /** What of {@code free} is stranded on each dimension (cpu, memory, storage, gpu) of a unit of {@code capacity}. */
    static long[] stranded(final long[] capacity, final long[] free) {
        final long[] out = new long[4];
        for (int d = 0; d < 3; d++) {
            if (capacity[d] <= 0 || free[d] <= 0) {
                continue;
            }
            for (int other = 0; other < 3; other++) {
                if (other != d && capacity[other] > 0 && free[other] < EXHAUSTED * capacity[other]) {
                    out[d] = free[d];
                    break;
                }
            }
        }
        if (capacity[3] > 0 && free[3] > 0) {
            final boolean cpuShort = capacity[0] > 0 && free[0] * capacity[3] < capacity[0];
            final boolean memoryShort = capacity[1] > 0 && free[1] * capacity[3] < capacity[1];
            if (cpuShort || memoryShort) {
                out[3] = free[3];
            }
        }
        return out;
    }

    private static long[] amounts(final CapacityRead c) {
        return c == null ? new long[4] : new long[] {c.cpuMillis(), c.memoryBytes(), c.storageBytes(), c.gpuCount()};
    }
}
