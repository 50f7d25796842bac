package dev.orchestrator.topology.decide;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The demands waiting for capacity on one task, in the order capacity goes to them: higher priority
 * first, at one priority preempted allocations first, then the one waiting longest, then by id so the
 * order is total. Plain Java: the stage that
 * owns it keeps the demands themselves in its store and rebuilds this from them after a restart.
 */
public final class WaitQueue {
    /**
     * One waiting demand: what orders it ({@code preempted}: an allocation preempted, which goes before
     * the demands of its priority), and the pool (kind and region scope) it is counted in.
     */
    public record Entry(String demandId, int priority, boolean preempted, long since, String pool) {
    }

    /** The entry of waiting {@code record} at {@code priority}. */
    public static Entry entry(final dev.orchestrator.topology.model.Allocation record, final int priority) {
        final List<String> regions = new ArrayList<>(record.request().regions());
        regions.sort(null);
        return new Entry(record.demandId(), priority, record.preemptions() > 0, record.waitingSince(),
                record.request().kind().name().toLowerCase(java.util.Locale.ROOT) + "/"
                        + (regions.isEmpty() ? "any" : String.join("+", regions)));
    }

    static final Comparator<Entry> ORDER = Comparator.comparingInt((Entry e) -> -e.priority())
            .thenComparing(Entry::preempted, Comparator.reverseOrder()).thenComparingLong(Entry::since)
            .thenComparing(Entry::demandId);

    private final TreeSet<Entry> order = new TreeSet<>(ORDER);
    private final Map<String, Entry> byDemand = new HashMap<>();

    /** Adds {@code entry}, replacing what the same demand had. */
    public void add(final Entry entry) {
        remove(entry.demandId());
        order.add(entry);
        byDemand.put(entry.demandId(), entry);
    }

    public void remove(final String demandId) {
        final Entry gone = byDemand.remove(demandId);
        if (gone != null) {
            order.remove(gone);
        }
    }

    public boolean contains(final String demandId) {
        return byDemand.containsKey(demandId);
    }

    public int size() {
        return byDemand.size();
    }

    /** Takes out the first {@code limit} in order: the caller puts back those still waiting. */
    public List<Entry> takeFirst(final int limit) {
        final List<Entry> out = new ArrayList<>(Math.min(limit, order.size()));
        while (out.size() < limit && !order.isEmpty()) {
            final Entry next = order.pollFirst();
            byDemand.remove(next.demandId());
            out.add(next);
        }
        return out;
    }

    /** The position of {@code demandId} in the queue, from 1, or 0 when it does not wait here. */
    public int position(final String demandId) {
        final Entry entry = byDemand.get(demandId);
        return entry == null ? 0 : order.headSet(entry, true).size();
    }

    /** Per pool, sorted by name. */
    public List<dev.orchestrator.topology.read.QueueView.Pool> lengths() {
        final Map<String, int[]> counts = new TreeMap<>();
        final Map<String, Long> oldest = new HashMap<>();
        for (final Entry entry : order) {
            counts.computeIfAbsent(entry.pool(), p -> new int[1])[0]++;
            oldest.merge(entry.pool(), entry.since(), Math::min);
        }
        final List<dev.orchestrator.topology.read.QueueView.Pool> out = new ArrayList<>(counts.size());
        counts.forEach((pool, count) -> out.add(new dev.orchestrator.topology.read.QueueView.Pool(pool, count[0],
                oldest.get(pool))));
        return out;
    }

    /** How many wait at each priority, highest first. */
    public Map<Integer, Integer> byPriority() {
        final Map<Integer, Integer> out = new TreeMap<>(Comparator.reverseOrder());
        order.forEach(entry -> out.merge(entry.priority(), 1, Integer::sum));
        return out;
    }
}
