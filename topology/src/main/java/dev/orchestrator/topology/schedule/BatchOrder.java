package dev.orchestrator.topology.schedule;

import dev.orchestrator.topology.model.Capacity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order demands held together are placed in (joint placement): the higher priority first, then the larger
 * by its dominant share of the capacity they compete for (the hardest to fit first, as first-fit-decreasing, so
 * the small ones fill what the large leave instead of splitting the room a large one needs), ties in arrival order.
 */
public final class BatchOrder {
    private BatchOrder() {
    }

    /** One demand of a batch: what it is, its priority and what it asks. */
    public record Entry<T>(T item, int priority, Capacity size) {
    }

    /** The items of {@code entries} (given in arrival order) in the order they are placed; {@code scale}: the capacity they compete for. */
    public static <T> List<T> order(final List<Entry<T>> entries, final Capacity scale) {
        final List<Entry<T>> sorted = new ArrayList<>(entries);
        // List.sort is stable: equal entries keep their arrival order
        sorted.sort(Comparator.<Entry<T>>comparingInt(Entry::priority).reversed()
                .thenComparing(Comparator.<Entry<T>>comparingDouble(e -> dominantShare(e.size(), scale)).reversed()));
        final List<T> items = new ArrayList<>(sorted.size());
        sorted.forEach(e -> items.add(e.item()));
        return items;
    }

    /**
     * The largest share of {@code scale} that {@code size} asks on any dimension (DRF's measure); a dimension it asks
     * of which {@code scale} has none counts as all of it.
     */
    public static double dominantShare(final Capacity size, final Capacity scale) {
        return Math.max(Math.max(share(size.cpuMillis(), scale.cpuMillis()), share(size.memoryBytes(), scale.memoryBytes())),
                Math.max(share(size.storageBytes(), scale.storageBytes()), share(size.gpuCount(), scale.gpuCount())));
    }

    private static double share(final long asked, final long total) {
        if (asked <= 0) {
            return 0;
        }
        return total <= 0 ? 1.0 : Math.min(1.0, (double) asked / total);
    }
}
