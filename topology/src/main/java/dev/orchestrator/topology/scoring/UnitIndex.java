package dev.orchestrator.topology.scoring;

import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.UnitKind;
import dev.orchestrator.topology.model.UnitView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
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

    /** A unit's place in its pool, with its view as scoring sees it (holds subtracted), computed once per change. */
    private record Entry(long freePrimary, String unitId, UnitView effective) implements Comparable<Entry> {
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
    private final Map<UnitKind, Map<String, NavigableSet<Entry>>> pools = new EnumMap<>(UnitKind.class);
    private final Map<String, Map<String, Hold>> holds = new HashMap<>();
    private long lastExpiry = System.currentTimeMillis();

    /** Adds or replaces a unit; a unit that takes no placements leaves the index. */
    public synchronized void put(final UnitView view) {
        final Map<String, Hold> unitHolds = holds.get(view.unitId());
        if (unitHolds != null) {
            unitHolds.values().removeIf(h -> h.untilVersion() <= view.version());
            if (unitHolds.isEmpty()) {
                holds.remove(view.unitId());
            }
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
        final long now = System.currentTimeMillis();
        holds.computeIfAbsent(unitId, u -> new HashMap<>()).put(allocationId, new Hold(capacity, Long.MAX_VALUE, now));
        refresh(unitId);
        if (now - lastExpiry > HOLD_TIMEOUT_MILLIS / 6) {
            lastExpiry = now;
            expireHolds(now);
        }
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

    /**
     * Up to {@code limit} units of {@code kind} in {@code regions} (all when empty), full ones included,
     * with this instance's holds subtracted: the wide look behind a rejection.
     */
    public synchronized List<UnitView> all(final UnitKind kind, final Collection<String> regions, final int limit) {
        final Map<String, NavigableSet<Entry>> byRegion = pools.getOrDefault(kind, Map.of());
        final Collection<String> scope = regions.isEmpty() ? byRegion.keySet() : regions;
        final List<UnitView> out = new ArrayList<>();
        for (final String region : scope) {
            final NavigableSet<Entry> set = byRegion.get(region);
            if (set == null) {
                continue;
            }
            for (final Entry entry : set) {
                if (out.size() == limit) {
                    return out;
                }
                out.add(entry.effective);
            }
        }
        return out;
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
        final Map<String, NavigableSet<Entry>> byRegion = pools.getOrDefault(kind, Map.of());
        final Collection<String> scope = regions.isEmpty() ? byRegion.keySet() : regions;
        final List<UnitView> out = new ArrayList<>();
        for (final String region : scope) {
            final NavigableSet<Entry> set = byRegion.get(region);
            if (set == null) {
                continue;
            }
            final Iterator<Entry> it = spread ? set.descendingIterator()
                    : set.tailSet(new Entry(requiredPrimary, "", null), true).iterator();
            int taken = 0;
            while (it.hasNext() && taken < perRegion) {
                final Entry entry = it.next();
                if (entry.freePrimary < requiredPrimary) {
                    break;
                }
                out.add(entry.effective);
                taken++;
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
        final UnitView effective = effective(view);
        final Entry entry = new Entry(view.kind().primary(effective.free()), view.unitId(), effective);
        entryById.put(view.unitId(), entry);
        pools.computeIfAbsent(view.kind(), k -> new HashMap<>())
                .computeIfAbsent(view.region(), r -> new TreeSet<>()).add(entry);
    }

    private void unindex(final String unitId) {
        final UnitView old = byId.get(unitId);
        final Entry entry = entryById.remove(unitId);
        if (old != null && entry != null) {
            pools.get(old.kind()).get(old.region()).remove(entry);
        }
    }

    /** Drops holds older than the timeout, so a lost answer does not hide a unit's capacity for ever. */
    private void expireHolds(final long now) {
        for (final String unitId : List.copyOf(holds.keySet())) {
            final Map<String, Hold> unitHolds = holds.get(unitId);
            if (unitHolds.values().removeIf(h -> now - h.createdAt() > HOLD_TIMEOUT_MILLIS)) {
                refresh(unitId);
            }
            if (unitHolds.isEmpty()) {
                holds.remove(unitId);
            }
        }
    }

    private UnitView effective(final UnitView view) {
        final Map<String, Hold> unitHolds = holds.get(view.unitId());
        if (unitHolds == null || unitHolds.isEmpty()) {
            return view;
        }
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
}
