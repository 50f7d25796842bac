package dev.orchestrator.topology.routing;

import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.UnitFacts;
import dev.orchestrator.topology.model.UnitKind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * What one task's pool (a kind in a region) can take, in a few numbers: its allocatable units, the
 * most free on each dimension in any one unit (a demand larger than that cannot fit there), and for
 * five sizes (the largest free amount, halved four times) the cheapest price per unit of the primary
 * dimension among units with at least that much free. Other tasks read it to choose where a demand
 * that does not fit locally, or fits only dearly, should go.
 */
public record PoolSummary(UnitKind kind, String region, int units, long maxFreeCpuMillis, long maxFreeMemoryBytes,
                          long maxFreeStorageBytes, int maxFreeGpus, List<String> gpuTypes, long maxFreePrimary,
                          List<Double> cheapestPerPrimary) {
    private static final int SIZES = 5;

    public PoolSummary {
        gpuTypes = List.copyOf(gpuTypes);
        cheapestPerPrimary = List.copyOf(cheapestPerPrimary);
    }

    /** The summary of {@code units}, all of one pool and allocatable. */
    public static PoolSummary of(final UnitKind kind, final String region, final Collection<? extends UnitFacts> units) {
        long cpu = 0;
        long memory = 0;
        long storage = 0;
        int gpus = 0;
        long primary = 0;
        final TreeSet<String> types = new TreeSet<>();
        for (final UnitFacts unit : units) {
            final Capacity free = unit.free();
            cpu = Math.max(cpu, free.cpuMillis());
            memory = Math.max(memory, free.memoryBytes());
            storage = Math.max(storage, free.storageBytes());
            gpus = Math.max(gpus, free.gpuCount());
            primary = Math.max(primary, kind.primary(free));
            if (free.gpuCount() > 0 && free.gpuType() != null) {
                types.add(free.gpuType());
            }
        }
        final double[] cheapest = new double[SIZES];
        java.util.Arrays.fill(cheapest, Double.POSITIVE_INFINITY);
        for (final UnitFacts unit : units) {
            final long whole = kind.primary(unit.capacity());
            if (whole <= 0) {
                continue;
            }
            final double perPrimary = (double) unit.pricePerHourMicros() / whole;
            final long free = kind.primary(unit.free());
            for (int size = 0; size < SIZES; size++) {
                if (free >= threshold(primary, size)) {
                    cheapest[size] = Math.min(cheapest[size], perPrimary);
                }
            }
        }
        final List<Double> prices = new ArrayList<>(SIZES);
        for (final double price : cheapest) {
            prices.add(price);
        }
        return new PoolSummary(kind, region, units.size(), cpu, memory, storage, gpus, new ArrayList<>(types), primary, prices);
    }

    /** Whether some unit of the pool might hold {@code wanted}: a necessary condition, not a promise. */
    public boolean mightFit(final Capacity wanted) {
        return units > 0 && wanted.cpuMillis() <= maxFreeCpuMillis && wanted.memoryBytes() <= maxFreeMemoryBytes
                && wanted.storageBytes() <= maxFreeStorageBytes && wanted.gpuCount() <= maxFreeGpus
                && kind.primary(wanted) <= maxFreePrimary
                && (wanted.gpuCount() == 0 || wanted.gpuType() == null || gpuTypes.contains(wanted.gpuType()));
    }

    /** The price per hour {@code wanted} would likely cost here, pro rata on the primary dimension. */
    public double estimatedPrice(final Capacity wanted) {
        final long need = kind.primary(wanted);
        for (int size = 0; size < SIZES; size++) {
            if (need <= threshold(maxFreePrimary, size) && size < cheapestPerPrimary.size()) {
                return cheapestPerPrimary.get(size) * need;
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    /** The free amount of size {@code size}: the largest free amount halved {@code SIZES - 1 - size} times. */
    private static long threshold(final long largest, final int size) {
        return largest >> (SIZES - 1 - size);
    }
}
