package dev.orchestrator.topology.routing;

import dev.orchestrator.topology.model.PlaceRequest;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What the other tasks last said their pools can take (and this task's own last summary), and the choice of where a demand should go
 * when this task cannot place it, or only at a price another slice clearly beats. Summaries are a
 * few hundred milliseconds old: a target that finds it cannot place the demand sends it on (it is
 * then tried there, never twice).
 */
public final class RemoteSlices {
    private final Map<Integer, List<PoolSummary>> slices = new HashMap<>();
    private final double margin;

    /** {@code margin}: how much cheaper another slice must look (0.1 = 10%) before a placeable demand moves there. */
    public RemoteSlices(final double margin) {
        this.margin = margin;
    }

    public void update(final int partition, final List<PoolSummary> pools) {
        slices.put(partition, pools);
    }

    /** The task to send {@code request} to when nothing here fits: see {@link #target(PlaceRequest, Collection, int, Collection, boolean)}. */
    public OptionalInt target(final PlaceRequest request, final Collection<String> regions, final int self,
                              final Collection<Integer> tried) {
        return target(request, regions, self, tried, false);
    }

    /**
     * The task to send {@code request} to, among those not tried and not {@code self}: the one whose
     * pools in {@code regions} (all when empty) might fit it at the lowest estimated price. When it
     * fits here too ({@code fitsHere}), that task is chosen only when its estimate beats this task's
     * own, made the same way from this task's last summary, by the margin: the chosen local unit's
     * price is not comparable (scoring weighs latency, reliability and packing too, and so would the
     * other task's).
     */
    public OptionalInt target(final PlaceRequest request, final Collection<String> regions, final int self,
                              final Collection<Integer> tried, final boolean fitsHere) {
        int best = -1;
        double bestPrice = Double.POSITIVE_INFINITY;
        for (final Map.Entry<Integer, List<PoolSummary>> slice : slices.entrySet()) {
            if (slice.getKey() == self || tried.contains(slice.getKey())) {
                continue;
            }
            final double price = estimate(slice.getValue(), request, regions);
            if (price < bestPrice) {
                best = slice.getKey();
                bestPrice = price;
            }
        }
        if (best < 0) {
            return OptionalInt.empty();
        }
        if (fitsHere) {
            final double here = estimate(slices.getOrDefault(self, List.of()), request, regions);
            if (!(bestPrice < here * (1 - margin))) {
                return OptionalInt.empty();
            }
        }
        return OptionalInt.of(best);
    }

    /**
     * A task, not {@code self} and not tried, whose pools in {@code regions} offer a unit without GPUs
     * with room for {@code request} (the cheapest such offer): where a job that needs no GPU goes rather
     * than onto a GPU unit here. Empty when none is known.
     */
    public OptionalInt withoutGpus(final PlaceRequest request, final Collection<String> regions, final int self,
                                   final Collection<Integer> tried) {
        int best = -1;
        double bestPrice = Double.POSITIVE_INFINITY;
        for (final Map.Entry<Integer, List<PoolSummary>> slice : slices.entrySet()) {
            if (slice.getKey() == self || tried.contains(slice.getKey())) {
                continue;
            }
            for (final PoolSummary pool : slice.getValue()) {
                if (pool.kind() != request.kind() || !regions.isEmpty() && !regions.contains(pool.region())) {
                    continue;
                }
                for (final PoolSummary.Offer offer : pool.offers()) {
                    if (offer.capacity().gpuCount() == 0 && offer.free().covers(request.capacity())) {
                        final double price = dev.orchestrator.topology.model.Prices.proRata(offer.pricePerHourMicros(),
                                offer.capacity(), request.capacity());
                        if (price < bestPrice) {
                            best = slice.getKey();
                            bestPrice = price;
                        }
                    }
                }
            }
        }
        return best < 0 ? OptionalInt.empty() : OptionalInt.of(best);
    }

    /**
     * The next task to ask about a demand nothing known can take, not tried and not {@code self}:
     * one this task has not heard from yet (right after a start its pools are unknown, not absent),
     * or, with {@code anyTask}, any. A summary is up to an interval old, so a unit registered a moment
     * ago is known only to its own task: a demand for which no other task is known to have a pool of
     * its kind at all asks each in turn before it is rejected for want of one.
     */
    public OptionalInt untried(final int self, final Collection<Integer> tried, final int partitions, final boolean anyTask) {
        for (int partition = 0; partition < partitions; partition++) {
            if (partition != self && !tried.contains(partition) && (anyTask || !slices.containsKey(partition))) {
                return OptionalInt.of(partition);
            }
        }
        return OptionalInt.empty();
    }

    /**
     * {@code request} is on its way to {@code partition}: the offer it will likely take there is
     * counted as taken until that task's next summary, so the next demands do not all head for the
     * same cheap unit.
     */
    public void sending(final int partition, final PlaceRequest request, final Collection<String> regions) {
        final List<PoolSummary> pools = slices.get(partition);
        if (pools == null) {
            return;
        }
        int bestPool = -1;
        int bestOffer = -1;
        double bestPrice = Double.POSITIVE_INFINITY;
        for (int p = 0; p < pools.size(); p++) {
            final PoolSummary pool = pools.get(p);
            if (pool.kind() != request.kind() || !regions.isEmpty() && !regions.contains(pool.region())) {
                continue;
            }
            for (int o = 0; o < pool.offers().size(); o++) {
                final PoolSummary.Offer offer = pool.offers().get(o);
                if (offer.free().covers(request.capacity())) {
                    final double price = dev.orchestrator.topology.model.Prices.proRata(offer.pricePerHourMicros(),
                            offer.capacity(), request.capacity());
                    if (price < bestPrice) {
                        bestPrice = price;
                        bestPool = p;
                        bestOffer = o;
                    }
                }
            }
        }
        if (bestPool < 0) {
            return;
        }
        final List<PoolSummary> next = new java.util.ArrayList<>(pools);
        next.set(bestPool, pools.get(bestPool).taking(bestOffer, request.capacity()));
        slices.put(partition, next);
    }

    /** The lowest estimated price of {@code request} among {@code pools} that might fit it; infinite when none. */
    private static double estimate(final List<PoolSummary> pools, final PlaceRequest request, final Collection<String> regions) {
        double cheapest = Double.POSITIVE_INFINITY;
        for (final PoolSummary pool : pools) {
            if (pool.kind() == request.kind() && (regions.isEmpty() || regions.contains(pool.region()))
                    && pool.mightFit(request.capacity())) {
                cheapest = Math.min(cheapest, pool.estimatedPrice(request.capacity()));
            }
        }
        return cheapest;
    }

    /**
     * Another task, not tried, with a pool of the kind in {@code regions} whose units could hold
     * {@code request} once free (full now or not): where a demand that may preempt looks for victims
     * when this task has no such unit.
     */
    public OptionalInt couldHold(final PlaceRequest request, final Collection<String> regions, final int self,
                                 final Collection<Integer> tried) {
        for (final Map.Entry<Integer, List<PoolSummary>> slice : slices.entrySet()) {
            if (slice.getKey() == self || tried.contains(slice.getKey())) {
                continue;
            }
            for (final PoolSummary pool : slice.getValue()) {
                if (pool.kind() == request.kind() && (regions.isEmpty() || regions.contains(pool.region()))
                        && pool.couldEverHold(request.capacity())) {
                    return OptionalInt.of(slice.getKey());
                }
            }
        }
        return OptionalInt.empty();
    }

    /**
     * The task, not {@code self}, whose summaries show room for the most of {@code members} (largest first,
     * each taking from the offers the earlier ones left), if at least {@code minMembers}: where a gang that
     * does not fit here is handed. The offers are a few units per pool, so this is a hint the task checks.
     */
    public OptionalInt gangTarget(final List<PlaceRequest> members, final java.util.function.Function<PlaceRequest,
            Collection<String>> regions, final int minMembers, final int self) {
        int best = -1;
        int bestSeats = minMembers - 1;
        for (final Map.Entry<Integer, List<PoolSummary>> slice : slices.entrySet()) {
            if (slice.getKey() == self) {
                continue;
            }
            final List<PoolSummary> pools = new java.util.ArrayList<>(slice.getValue());
            int seats = 0;
            for (final PlaceRequest member : members) {
                if (seat(pools, member, regions.apply(member))) {
                    seats++;
                }
            }
            if (seats > bestSeats) {
                best = slice.getKey();
                bestSeats = seats;
            }
        }
        return best < 0 ? OptionalInt.empty() : OptionalInt.of(best);
    }

    /** Takes room for {@code member} from the first offer of {@code pools} that holds it; whether one did. */
    private static boolean seat(final List<PoolSummary> pools, final PlaceRequest member, final Collection<String> regions) {
        for (int p = 0; p < pools.size(); p++) {
            final PoolSummary pool = pools.get(p);
            if (pool.kind() != member.kind() || !regions.isEmpty() && !regions.contains(pool.region())) {
                continue;
            }
            for (int o = 0; o < pool.offers().size(); o++) {
                if (pool.offers().get(o).free().covers(member.capacity())) {
                    pools.set(p, pool.taking(o, member.capacity()));
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether some other task has a pool of the kind in {@code regions}, full or not, with units of the
     * GPU model a GPU demand names: for naming why nothing fits (full, or no such unit at all).
     */
    public boolean anyPool(final PlaceRequest request, final Collection<String> regions, final int self) {
        for (final Map.Entry<Integer, List<PoolSummary>> slice : slices.entrySet()) {
            for (final PoolSummary pool : slice.getValue()) {
                if (slice.getKey() != self && pool.kind() == request.kind()
                        && (regions.isEmpty() || regions.contains(pool.region())) && pool.couldEverHold(request.capacity())) {
                    return true;
                }
            }
        }
        return false;
    }
}
