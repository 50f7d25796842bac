package dev.orchestrator.topology.scoring;

import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.UnitKind;
import dev.orchestrator.topology.model.UnitView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * An in-memory index of allocatable units by pool (kind and region), sorted by free capacity on the
 * kind's primary dimension. A look-up starts where the demand just fits and takes a bounded number
 * of units per region, so the cost of a decision does not grow with the fleet.
 *
 * <p>Views reach it late (they travel through a topic), so it also keeps this instance's own
 * in-flight reservations as holds and subtracts them until a view that includes them arrives:
 * without that, every decision in the lag would pick the same unit and be refused by its ledger.
 * The global thread writes views and the stream thread writes holds, hence the one lock.
 */
public final class UnitIndex {
    /** A hold whose ledger answer never came (a rebalance moved the consumer) stops counting after this. */
    private static final long HOLD_TIMEOUT_MILLIS = 30_000;

    private record Entry(long freePrimary, String unitId) implements Comparable<Entry> {
        @Override
        public int compareTo(final Entry other) {
            final int byFree = Long.compare(freePrimary, other.freePrimary);
            return byFree != 0 ? byFree : unitId.compareTo(other.unitId);
        }
    }

    private record Hold(Capacity capacity, long untilVersion, long createdAt) {
    }

    private final Map<String, UnitView> byId = new HashMap<>();
    private final Map<String, Entry> entryById = new HashMap<>();
    private final Map<String, NavigableSet<Entry>> byPool = new HashMap<>();
    private final Map<UnitKind, Set<String>> regionsByKind = new HashMap<>();
    private final Map<String, Map<String, Hold>> holds = new HashMap<>();

    /** Adds or replaces a unit; a unit that takes no placements leaves the index. */
    public synchronized void put(final UnitView view) {
        final Map<String, Hold> unitHolds = holds.get(view.unitId());
        if (unitHolds != null) {
            unitHolds.values().removeIf(h -> h.untilVersion() <= view.version());
        }
        unindex(view.unitId());
        byId.remove(view.unitId());
        if (!view.allocatable()) {
            return;
        }
        byId.put(view.unitId(), view);
        reindex(view);
    }

    public synchronized void remove(final String unitId) {
        unindex(unitId);
        byId.remove(unitId);
        holds.remove(unitId);
    }

    /** This instance asked the unit's ledger to reserve {@code capacity} for {@code allocationId}. */
    public synchronized void hold(final String unitId, final String allocationId, final Capacity capacity) {
        holds.computeIfAbsent(unitId, u -> new HashMap<>())
                .put(allocationId, new Hold(capacity, Long.MAX_VALUE, System.currentTimeMillis()));
        refresh(unitId);
    }

    /** The ledger committed: keep holding until a view of at least {@code version} arrives. */
    public synchronized void committed(final String unitId, final String allocationId, final long version) {
        final Map<String, Hold> unitHolds = holds.get(unitId);
        final Hold hold = unitHolds == null ? null : unitHolds.get(allocationId);
        if (hold == null) {
            return;
        }
        final UnitView view = byId.get(unitId);
        if (view != null && view.version() >= version) {
            unitHolds.remove(allocationId);
        } else {
            unitHolds.put(allocationId, new Hold(hold.capacity(), version, hold.createdAt()));
        }
        refresh(unitId);
    }

    /** The ledger refused, or the reservation is gone: stop holding. */
    public synchronized void released(final String unitId, final String allocationId) {
        final Map<String, Hold> unitHolds = holds.get(unitId);
        if (unitHolds != null && unitHolds.remove(allocationId) != null) {
            refresh(unitId);
        }
    }

    /** Whether any allocatable unit of {@code kind} is in {@code regions} (all when empty), full or not. */
    public synchronized boolean hasUnits(final UnitKind kind, final Collection<String> regions) {
        final Collection<String> scope = regions.isEmpty() ? regionsByKind.getOrDefault(kind, Set.of()) : regions;
        return scope.stream().map(r -> byPool.get(pool(kind, r))).anyMatch(set -> set != null && !set.isEmpty());
    }

    public synchronized int size() {
        return byId.size();
    }

    /**
     * Up to {@code perRegion} units of {@code kind} in each region of {@code regions} (all regions when
     * empty) with at least {@code requiredPrimary} free: the tightest fits first when packing, the
     * emptiest first when spreading. Views come with this instance's holds already subtracted.
     */
    public synchronized List<UnitView> candidates(final UnitKind kind, final Collection<String> regions,
                                                  final long requiredPrimary, final boolean spread, final int perRegion) {
        final Collection<String> scope = regions.isEmpty() ? regionsByKind.getOrDefault(kind, Set.of()) : regions;
        final List<UnitView> out = new ArrayList<>();
        for (final String region : scope) {
            final NavigableSet<Entry> set = byPool.get(pool(kind, region));
            if (set == null) {
                continue;
            }
            final Iterator<Entry> it = spread ? set.descendingIterator()
                    : set.tailSet(new Entry(requiredPrimary, ""), true).iterator();
            int taken = 0;
            while (it.hasNext() && taken < perRegion) {
                final Entry entry = it.next();
                if (entry.freePrimary < requiredPrimary) {
                    break;
                }
                final UnitView view = byId.get(entry.unitId);
                if (view != null) {
                    out.add(effective(view));
                    taken++;
                }
            }
        }
        return out;
    }

    private void refresh(final String unitId) {
        final UnitView view = byId.get(unitId);
        if (view != null) {
            unindex(unitId);
            reindex(view);
        }
    }

    private void reindex(final UnitView view) {
        final Entry entry = new Entry(view.kind().primary(effective(view).free()), view.unitId());
        entryById.put(view.unitId(), entry);
        byPool.computeIfAbsent(pool(view.kind(), view.region()), p -> new TreeSet<>()).add(entry);
        regionsByKind.computeIfAbsent(view.kind(), k -> new java.util.HashSet<>()).add(view.region());
    }

    private void unindex(final String unitId) {
        final UnitView old = byId.get(unitId);
        final Entry entry = entryById.remove(unitId);
        if (old != null && entry != null) {
            final NavigableSet<Entry> set = byPool.get(pool(old.kind(), old.region()));
            if (set != null) {
                set.remove(entry);
            }
        }
    }

    private UnitView effective(final UnitView view) {
        final Map<String, Hold> unitHolds = holds.get(view.unitId());
        if (unitHolds == null || unitHolds.isEmpty()) {
            return view;
        }
        final long now = System.currentTimeMillis();
        unitHolds.values().removeIf(h -> now - h.createdAt() > HOLD_TIMEOUT_MILLIS);
        Capacity held = Capacity.ZERO;
        for (final Hold hold : unitHolds.values()) {
            held = held.plus(hold.capacity());
        }
        final Capacity free = view.free();
        return view.withFree(new Capacity(Math.max(0, free.cpuMillis() - held.cpuMillis()),
                Math.max(0, free.memoryBytes() - held.memoryBytes()),
                Math.max(0, free.storageBytes() - held.storageBytes()),
                Math.max(0, free.gpuCount() - held.gpuCount()), free.gpuType()));
    }

    private static String pool(final UnitKind kind, final String region) {
        return kind.name() + '|' + region;
    }
}
