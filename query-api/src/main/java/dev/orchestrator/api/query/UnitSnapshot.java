package dev.orchestrator.api.query;

import dev.orchestrator.topology.read.UnitRead;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every unit in id order, with indexes by region and provider, gathered from every instance's engine
 * tasks, never older than {@code maxAgeNanos}. Lists, pools and providers read this instead of asking
 * every instance on every request.
 */
final class UnitSnapshot {
    private static final java.util.concurrent.Executor REFRESHER = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        final Thread thread = new Thread(r, "unit-view-snapshot");
        thread.setDaemon(true);
        return thread;
    });

    private final Supplier<List<UnitRead>> scan;
    private final long maxAgeNanos;
    private volatile Views views;
    private final java.util.concurrent.atomic.AtomicBoolean refreshing = new java.util.concurrent.atomic.AtomicBoolean();

    /** One snapshot: all views sorted by id, and the same split by region and by provider. */
    record Views(long takenNanos, List<UnitRead> all, Map<String, List<UnitRead>> byRegion,
                 Map<String, List<UnitRead>> byProvider) {
        /** The list a filter can start from: one region's or one provider's units, or all. */
        List<UnitRead> narrowest(final String region, final String provider) {
            if (region != null) {
                return byRegion.getOrDefault(region, List.of());
            }
            if (provider != null) {
                return byProvider.getOrDefault(provider, List.of());
            }
            return all;
        }

        /** Index of the first view after {@code unitId} in {@code sorted}; 0 for a null cursor. */
        static int after(final List<UnitRead> sorted, final String unitId) {
            if (unitId == null) {
                return 0;
            }
            int low = 0;
            int high = sorted.size();
            while (low < high) {
                final int mid = (low + high) >>> 1;
                if (sorted.get(mid).unitId().compareTo(unitId) <= 0) {
                    low = mid + 1;
                } else {
                    high = mid;
                }
            }
            return low;
        }
    }

    UnitSnapshot(final Supplier<List<UnitRead>> scan, final long maxAgeNanos) {
        this.scan = scan;
        this.maxAgeNanos = maxAgeNanos;
    }

    /**
     * A snapshot never older than {@code maxAgeNanos}: past half that age the next one is taken in the
     * background while requests read this one; past the whole age (the first request after a quiet
     * spell) the request waits for a fresh scan rather than be answered from an old one.
     */
    Views current() {
        final Views seen = views;
        final long age = seen == null ? Long.MAX_VALUE : System.nanoTime() - seen.takenNanos();
        if (age >= maxAgeNanos) {
            return refresh(seen);
        }
        if (age >= maxAgeNanos / 2 && refreshing.compareAndSet(false, true)) {
            REFRESHER.execute(() -> {
                try {
                    refresh(seen);
                } catch (final RuntimeException e) {
                    // the store is not readable right now (rebalancing): the next request tries again
                } finally {
                    refreshing.set(false);
                }
            });
        }
        return seen;
    }

    private synchronized Views refresh(final Views seen) {
        if (views != seen) {
            // another request refreshed it while this one waited
            return views;
        }
        final List<UnitRead> all = new ArrayList<>(scan.get());
        all.sort(Comparator.comparing(UnitRead::unitId));
        final Map<String, List<UnitRead>> byRegion = new HashMap<>();
        final Map<String, List<UnitRead>> byProvider = new HashMap<>();
        for (final UnitRead view : all) {
            byRegion.computeIfAbsent(view.region(), r -> new ArrayList<>()).add(view);
            byProvider.computeIfAbsent(view.providerId(), p -> new ArrayList<>()).add(view);
        }
        views = new Views(System.nanoTime(), Collections.unmodifiableList(all), byRegion, byProvider);
        return views;
    }
}
