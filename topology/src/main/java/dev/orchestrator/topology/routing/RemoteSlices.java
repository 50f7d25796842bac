package dev.orchestrator.topology.routing;

import dev.orchestrator.topology.model.PlaceRequest;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What the other tasks last said their pools can take, and the choice of where a demand should go
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

    public boolean knowsAny() {
        return !slices.isEmpty();
    }

    /**
     * The task to send {@code request} to, among those not tried and not {@code self}: the one whose
     * pools in {@code regions} (all when empty) might fit it at the lowest estimated price. With
     * {@code localPrice} (what the best local unit costs; negative when nothing local fits) it is
     * chosen only when clearly cheaper.
     */
    public OptionalInt target(final PlaceRequest request, final Collection<String> regions, final int self,
                              final Collection<Integer> tried, final long localPrice) {
        int best = -1;
        double bestPrice = Double.POSITIVE_INFINITY;
        for (final Map.Entry<Integer, List<PoolSummary>> slice : slices.entrySet()) {
            if (slice.getKey() == self || tried.contains(slice.getKey())) {
                continue;
            }
            for (final PoolSummary pool : slice.getValue()) {
                if (pool.kind() != request.kind() || !regions.isEmpty() && !regions.contains(pool.region())
                        || !pool.mightFit(request.capacity())) {
                    continue;
                }
                final double price = pool.estimatedPrice(request.capacity());
                if (best < 0 || price < bestPrice) {
                    best = slice.getKey();
                    bestPrice = price;
                }
            }
        }
        if (best < 0 || localPrice >= 0 && !(bestPrice < localPrice * (1 - margin))) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(best);
    }

    /** Whether some other task has a pool of the kind in {@code regions}, full or not: for naming why nothing fits. */
    public boolean anyPool(final PlaceRequest request, final Collection<String> regions, final int self) {
        for (final Map.Entry<Integer, List<PoolSummary>> slice : slices.entrySet()) {
            for (final PoolSummary pool : slice.getValue()) {
                if (slice.getKey() != self && pool.kind() == request.kind()
                        && (regions.isEmpty() || regions.contains(pool.region()))) {
                    return true;
                }
            }
        }
        return false;
    }
}
