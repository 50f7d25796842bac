package dev.orchestrator.topology.scoring;

import dev.orchestrator.topology.model.UnitKind;
import dev.orchestrator.topology.model.UnitView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * An in-memory index of allocatable units by pool (kind and region), sorted by free capacity on the
 * kind's primary dimension. A look-up starts where the demand just fits and takes a bounded number
 * of units per region, so the cost of a decision does not grow with the fleet.
 */
public final class UnitIndex {
    private record Entry(long freePrimary, String unitId) implements Comparable<Entry> {
        @Override
        public int compareTo(final Entry other) {
            final int byFree = Long.compare(freePrimary, other.freePrimary);
            return byFree != 0 ? byFree : unitId.compareTo(other.unitId);
        }
    }

    private final Map<String, UnitView> byId = new ConcurrentHashMap<>();
    private final Map<String, Entry> entryById = new ConcurrentHashMap<>();
    private final Map<String, NavigableSet<Entry>> byPool = new ConcurrentHashMap<>();
    private final Map<UnitKind, Set<String>> regionsByKind = new ConcurrentHashMap<>();

    /** Adds or replaces a unit; a unit that takes no placements leaves the index. */
    public void put(final UnitView view) {
        remove(view.unitId());
        if (!view.allocatable()) {
            return;
        }
        final Entry entry = new Entry(view.kind().primary(view.free()), view.unitId());
        byId.put(view.unitId(), view);
        entryById.put(view.unitId(), entry);
        byPool.computeIfAbsent(pool(view.kind(), view.region()), p -> new ConcurrentSkipListSet<>()).add(entry);
        regionsByKind.computeIfAbsent(view.kind(), k -> ConcurrentHashMap.newKeySet()).add(view.region());
    }

    public void remove(final String unitId) {
        final UnitView old = byId.remove(unitId);
        final Entry entry = entryById.remove(unitId);
        if (old != null && entry != null) {
            final NavigableSet<Entry> set = byPool.get(pool(old.kind(), old.region()));
            if (set != null) {
                set.remove(entry);
            }
        }
    }

    /** Whether any allocatable unit of {@code kind} is in {@code regions} (all when empty), full or not. */
    public boolean hasUnits(final UnitKind kind, final Collection<String> regions) {
        final Collection<String> scope = regions.isEmpty() ? regionsByKind.getOrDefault(kind, Set.of()) : regions;
        return scope.stream().map(r -> byPool.get(pool(kind, r))).anyMatch(set -> set != null && !set.isEmpty());
    }

    public int size() {
        return byId.size();
    }

    /**
     * Up to {@code perRegion} units of {@code kind} in each region of {@code regions} (all regions when
     * empty) with at least {@code requiredPrimary} free: the tightest fits first when packing, the
     * emptiest first when spreading.
     */
    public List<UnitView> candidates(final UnitKind kind, final Collection<String> regions, final long requiredPrimary,
                                     final boolean spread, final int perRegion) {
        final Collection<String> scope = regions.isEmpty() ? regionsByKind.getOrDefault(kind, Set.of()) : regions;
        final List<UnitView> out = new ArrayList<>();
        for (final String region : scope) {
            final NavigableSet<Entry> set = byPool.get(pool(kind, region));
            if (set == null) {
                continue;
            }
            final Entry floor = new Entry(requiredPrimary, "");
            final Iterator<Entry> it = spread ? set.descendingIterator() : set.tailSet(floor, true).iterator();
            int taken = 0;
            while (it.hasNext() && taken < perRegion) {
                final Entry entry = it.next();
                if (entry.freePrimary < requiredPrimary) {
                    break;
                }
                final UnitView view = byId.get(entry.unitId);
                if (view != null) {
                    out.add(view);
                    taken++;
                }
            }
        }
        return out;
    }

    private static String pool(final UnitKind kind, final String region) {
        return kind.name() + '|' + region;
    }
}
