package dev.orchestrator.topology.routing;

import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.Prices;
import dev.orchestrator.topology.model.UnitFacts;
import dev.orchestrator.topology.model.UnitKind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * What one task's pool (a kind in a region) can take, in a few numbers: its allocatable units, the
 * most free on each dimension in any one unit (a demand larger than that cannot fit there), for five
 * sizes (the largest free amount, halved four times) the cheapest price per unit of the primary
 * dimension among units with at least that much free, and the few units with room that are cheapest
 * per unit of each dimension ({@code offers}), priced exactly as a placement would be, and the GPU
 * models its units are built with ({@code gpuTypes}, full or not), and the most any one unit has on each
 * dimension, full or not ({@code largest}; null in summaries from before it existed). Other tasks
 * read it to choose where a demand that does not fit locally, or fits only dearly, should go.
 */
public record PoolSummary(UnitKind kind, String region, int units, long maxFreeCpuMillis, long maxFreeMemoryBytes,
                          long maxFreeStorageBytes, int maxFreeGpus, List<String> gpuTypes, long maxFreePrimary,
                          List<Double> cheapestPerPrimary, List<Offer> offers, Capacity largest) {
    private static final int SIZES = 5;
    /** Units kept per dimension in {@code offers}. */
    private static final int OFFERS_PER_DIMENSION = 4;

    /** A unit with room: its price, its capacity and what is free on it. */
    public record Offer(long pricePerHourMicros, Capacity capacity, Capacity free) {
    }

    public PoolSummary {
        gpuTypes = List.copyOf(gpuTypes);
        cheapestPerPrimary = List.copyOf(cheapestPerPrimary);
        offers = offers == null ? List.of() : List.copyOf(offers);
    }

    /** The summary of {@code units}, all of one pool and allocatable. */
    public static PoolSummary of(final UnitKind kind, final String region, final Collection<? extends UnitFacts> units) {
        long cpu = 0;
        long memory = 0;
        long storage = 0;
        int gpus = 0;
        long primary = 0;
        Capacity largest = Capacity.ZERO;
        final TreeSet<String> types = new TreeSet<>();
        for (final UnitFacts unit : units) {
            final Capacity free = unit.free();
            final Capacity whole = unit.capacity();
            largest = new Capacity(Math.max(largest.cpuMillis(), whole.cpuMillis()),
                    Math.max(largest.memoryBytes(), whole.memoryBytes()), Math.max(largest.storageBytes(), whole.storageBytes()),
                    Math.max(largest.gpuCount(), whole.gpuCount()), null);
            cpu = Math.max(cpu, free.cpuMillis());
            memory = Math.max(memory, free.memoryBytes());
            storage = Math.max(storage, free.storageBytes());
            gpus = Math.max(gpus, free.gpuCount());
            primary = Math.max(primary, kind.primary(free));
            if (unit.capacity().gpuCount() > 0 && unit.capacity().gpuType() != null) {
                types.add(unit.capacity().gpuType());
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
        return new PoolSummary(kind, region, units.size(), cpu, memory, storage, gpus, new ArrayList<>(types), primary, prices,
                offers(units), largest);
    }

    /** The units with room that are cheapest per unit of each dimension they have, a few of each. */
    private static List<Offer> offers(final Collection<? extends UnitFacts> units) {
        final java.util.Set<UnitFacts> chosen = new java.util.LinkedHashSet<>();
        final List<java.util.function.ToLongFunction<Capacity>> dimensions = List.of(Capacity::cpuMillis,
                Capacity::memoryBytes, Capacity::storageBytes, c -> c.gpuCount());
        for (final java.util.function.ToLongFunction<Capacity> dimension : dimensions) {
            units.stream().filter(u -> dimension.applyAsLong(u.capacity()) > 0 && dimension.applyAsLong(u.free()) > 0)
                    .sorted(java.util.Comparator.<UnitFacts>comparingDouble(u -> (double) u.pricePerHourMicros()
                            / dimension.applyAsLong(u.capacity())).thenComparing(UnitFacts::unitId))
                    .limit(OFFERS_PER_DIMENSION).forEach(chosen::add);
        }
        final List<Offer> out = new ArrayList<>(chosen.size());
        chosen.forEach(u -> out.add(new Offer(u.pricePerHourMicros(), u.capacity(), u.free())));
        return out;
    }

    /** This summary with {@code wanted} taken from offer {@code index}. */
    public PoolSummary taking(final int index, final Capacity wanted) {
        final List<Offer> next = new ArrayList<>(offers);
        final Offer offer = offers.get(index);
        next.set(index, new Offer(offer.pricePerHourMicros(), offer.capacity(), offer.free().minus(wanted)));
        return new PoolSummary(kind, region, units, maxFreeCpuMillis, maxFreeMemoryBytes, maxFreeStorageBytes, maxFreeGpus,
                gpuTypes, maxFreePrimary, cheapestPerPrimary, next, largest);
    }

    /** Whether some unit of the pool might hold {@code wanted}: a necessary condition, not a promise. */
    public boolean mightFit(final Capacity wanted) {
        return units > 0 && wanted.cpuMillis() <= maxFreeCpuMillis && wanted.memoryBytes() <= maxFreeMemoryBytes
                && wanted.storageBytes() <= maxFreeStorageBytes && wanted.gpuCount() <= maxFreeGpus
                && kind.primary(wanted) <= maxFreePrimary
                && (wanted.gpuCount() == 0 || wanted.gpuType() == null || gpuTypes.contains(wanted.gpuType()));
    }

    /**
     * Whether the pool has units of the kind that could hold {@code wanted} if they were empty: GPUs of
     * its model, and no dimension larger than its largest unit's.
     */
    public boolean couldEverHold(final Capacity wanted) {
        final boolean model = wanted.gpuCount() == 0 || wanted.gpuType() == null && (!gpuTypes.isEmpty() || maxFreeGpus > 0)
                || gpuTypes.contains(wanted.gpuType());
        return model && (largest == null || largest.cpuMillis() >= wanted.cpuMillis()
                && largest.memoryBytes() >= wanted.memoryBytes() && largest.storageBytes() >= wanted.storageBytes()
                && largest.gpuCount() >= wanted.gpuCount());
    }

    /**
     * The price per hour {@code wanted} would likely cost here: exact on the cheapest offer it fits,
     * else pro rata on the primary dimension of the cheapest units with that much free.
     */
    public double estimatedPrice(final Capacity wanted) {
        double best = Double.POSITIVE_INFINITY;
        for (final Offer offer : offers) {
            if (offer.free().covers(wanted)) {
                best = Math.min(best, Prices.proRata(offer.pricePerHourMicros(), offer.capacity(), wanted));
            }
        }
        if (best < Double.POSITIVE_INFINITY) {
            return best;
        }
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
