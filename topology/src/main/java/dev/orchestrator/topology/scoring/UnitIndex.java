package dev.orchestrator.topology.scoring;

import dev.orchestrator.topology.model.UnitFacts;
import dev.orchestrator.topology.model.UnitKind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * The allocatable units of one task by pool (kind and region), sorted by free capacity on the kind's
 * primary dimension. The task owns every unit it indexes and updates the index in the same step that
 * changes a unit, so what scoring sees is exact: no holds, no stale views. A look-up starts where the
 * demand just fits and takes a bounded number of units per region, so a decision's cost does not grow
 * with the fleet. Used by one stream thread only.
 */
public final class UnitIndex {
    /** A unit's place in its pool: the free amount it was filed under, then its id. */
    private record Entry(long freePrimary, String unitId, UnitFacts unit) implements Comparable<Entry> {
        @Override
        public int compareTo(final Entry other) {
            final int byFree = Long.compare(freePrimary, other.freePrimary);
            return byFree != 0 ? byFree : unitId.compareTo(other.unitId);
        }
    }

    /** The fewest units a look-up takes in each region of a many-region scope. */
    private static final int MIN_PER_REGION = 8;

    private final Map<String, Entry> entries = new HashMap<>();
    private final Map<UnitKind, Map<String, NavigableSet<Entry>>> pools = new EnumMap<>(UnitKind.class);

    /** Files {@code unit} as it is now, or takes it out when it takes no placements. */
    public void update(final UnitFacts unit) {
        remove(unit.unitId());
        if (!unit.allocatable()) {
            return;
        }
        final Entry entry = new Entry(unit.kind().primary(unit.free()), unit.unitId(), unit);
        entries.put(unit.unitId(), entry);
        pools.computeIfAbsent(unit.kind(), k -> new HashMap<>()).computeIfAbsent(unit.region(), r -> new TreeSet<>()).add(entry);
    }

    public void remove(final String unitId) {
        final Entry entry = entries.remove(unitId);
        if (entry != null) {
            pools.get(entry.unit.kind()).get(entry.unit.region()).remove(entry);
        }
    }

    public int size() {
        return entries.size();
    }

    /**
     * Up to {@code perRegion} units of {@code kind} in each region of {@code regions} (all when empty)
     * with at least {@code requiredPrimary} free: the tightest fits first when packing, the emptiest
     * first when spreading. Across more than two regions the window shrinks so a look-up takes about
     * {@code 2 x perRegion} units in all (at least 8 per region): the cost of a decision stays bounded
     * for a demand that may go anywhere.
     */
    public List<UnitFacts> candidates(final UnitKind kind, final Collection<String> regions, final long requiredPrimary,
                                      final boolean spread, final int perRegion) {
        final Map<String, NavigableSet<Entry>> byRegion = pools.getOrDefault(kind, Map.of());
        final Collection<String> scope = regions.isEmpty() ? byRegion.keySet() : regions;
        // a demand open to many regions looks at twice one region's window in all, at least MIN_PER_REGION in each
        final int window = scope.size() <= 2 ? perRegion
                : Math.min(perRegion, Math.max(MIN_PER_REGION, (2 * perRegion + scope.size() - 1) / scope.size()));
        final List<UnitFacts> out = new ArrayList<>();
        for (final String region : scope) {
            final NavigableSet<Entry> set = byRegion.get(region);
            if (set == null) {
                continue;
            }
            final Iterator<Entry> it = spread ? set.descendingIterator()
                    : set.tailSet(new Entry(requiredPrimary, "", null), true).iterator();
            int taken = 0;
            while (it.hasNext() && taken < window) {
                final Entry entry = it.next();
                if (entry.freePrimary < requiredPrimary) {
                    break;
                }
                out.add(entry.unit);
                taken++;
            }
        }
        return out;
    }

    /** Up to {@code limit} allocatable units of {@code kind} in {@code regions} (all when empty), full ones included. */
    public List<UnitFacts> all(final UnitKind kind, final Collection<String> regions, final int limit) {
        final Map<String, NavigableSet<Entry>> byRegion = pools.getOrDefault(kind, Map.of());
        final Collection<String> scope = regions.isEmpty() ? byRegion.keySet() : regions;
        final List<UnitFacts> out = new ArrayList<>();
        for (final String region : scope) {
            for (final Entry entry : byRegion.getOrDefault(region, new TreeSet<>())) {
                if (out.size() == limit) {
                    return out;
                }
                out.add(entry.unit);
            }
        }
        return out;
    }

    /**
     * Up to {@code perRegion} allocatable units of {@code kind} in each of {@code regions} (all when
     * empty), those with the most free on the primary dimension first: where preemption looks for room.
     */
    public List<UnitFacts> roomiest(final UnitKind kind, final Collection<String> regions, final int perRegion) {
        final Map<String, NavigableSet<Entry>> byRegion = pools.getOrDefault(kind, Map.of());
        final Collection<String> scope = regions.isEmpty() ? byRegion.keySet() : regions;
        final List<UnitFacts> out = new ArrayList<>();
        for (final String region : scope) {
            int taken = 0;
            for (final Entry entry : byRegion.getOrDefault(region, new TreeSet<>()).descendingSet()) {
                if (taken++ == perRegion) {
                    break;
                }
                out.add(entry.unit);
            }
        }
        return out;
    }

    /** Every pool's allocatable units, emptiest last, for summaries. */
    public void forEachPool(final BiConsumer<PoolKey, Collection<UnitFacts>> action) {
        pools.forEach((kind, byRegion) -> byRegion.forEach((region, set) -> {
            final List<UnitFacts> units = new ArrayList<>(set.size());
            set.forEach(e -> units.add(e.unit));
            action.accept(new PoolKey(kind, region), units);
        }));
    }

    /** A pool: the units of one kind in one region. */
    public record PoolKey(UnitKind kind, String region) {
    }
}
