package dev.orchestrator.topology.read;

import dev.orchestrator.topology.admission.ConsumerSlice;
import dev.orchestrator.topology.ledger.UnitState;
import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.model.DemandRecord;
import dev.orchestrator.topology.model.Moved;
import dev.orchestrator.topology.model.Queued;
import dev.orchestrator.topology.model.ReleaseMark;
import dev.orchestrator.topology.model.SlaTerms;
import dev.orchestrator.topology.routing.Partitions;
import dev.orchestrator.topology.task.EngineTask;
import dev.orchestrator.topology.task.LocalTasks;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * The engine as the read API sees it, from any thread: what the tasks running in this instance hold
 * (stores, which are safe to read concurrently, and the copies of units each task publishes after
 * every change). A key's task is the partition its id hashes to; a demand may have moved to another.
 * Reads see a task's changes as it makes them, before they commit, as Kafka Streams' own interactive
 * queries do.
 */
public final class EngineReads {
    private final LocalTasks tasks;
    private final int partitions;

    public EngineReads(final LocalTasks tasks, final int partitions) {
        this.tasks = tasks;
        this.partitions = partitions;
    }

    public int partitions() {
        return partitions;
    }

    /** The partition whose task owns {@code key}: a demand's arrival, a unit, a consumer's home. */
    public int partitionOf(final String key) {
        return Partitions.of(key, partitions);
    }

    /** Whether any engine task runs here now. */
    public boolean holdsAny() {
        return !tasks.all().isEmpty();
    }

    /** Whether the task of {@code partition} runs here now. */
    public boolean holds(final int partition) {
        return tasks.get(partition) != null;
    }

    /** What the task of {@code partition}, which runs here, holds of {@code demandId}. */
    public DemandLookup demand(final String demandId, final int partition) {
        final EngineTask task = tasks.get(partition);
        if (task == null) {
            return new DemandLookup.Unknown();
        }
        return lookupOf(task.stores().demands().get(demandId));
    }

    /** What a stored demand record says; also for a standby's copy read through interactive queries. */
    public static DemandLookup lookupOf(final Object record) {
        if (record instanceof Allocation allocation) {
            return new DemandLookup.Here(DemandRead.of(allocation));
        }
        if (record instanceof Moved moved) {
            return new DemandLookup.Elsewhere(moved.to());
        }
        if (record instanceof Queued queued) {
            // held a few milliseconds to be placed with the demands beside it: not decided yet
            return new DemandLookup.Here(DemandRead.of(Allocation.pending(queued.request(), 0)));
        }
        if (record instanceof ReleaseMark mark) {
            return new DemandLookup.Release(mark.demandId(), mark.consumerId(), mark.releaseOf());
        }
        return new DemandLookup.Unknown();
    }

    /**
     * A unit as a standby's copy of its task's stores holds it (read through interactive queries while
     * the task is away): its header, and what the demand records hold on it. Migration targets hosted
     * for other tasks are not in those records and do not show.
     */
    public static Optional<UnitDetail> standbyUnit(final Object header, final java.util.Iterator<Object> records) {
        if (!(header instanceof dev.orchestrator.topology.ledger.UnitHeader h)) {
            return Optional.empty();
        }
        dev.orchestrator.topology.model.Capacity used = dev.orchestrator.topology.model.Capacity.ZERO;
        final List<HeldRead> held = new ArrayList<>();
        boolean confirmed = false;
        while (records.hasNext()) {
            if (records.next() instanceof Allocation a && a.holdsCapacity() && a.unitId().equals(h.spec().unitId())) {
                used = used.plus(a.request().capacity());
                confirmed |= a.status() == Allocation.Status.ACTIVE;
                final boolean sla = a.slaMinAvailability() > 0 || a.slaMaxLatencyMillis() < Double.MAX_VALUE;
                held.add(new HeldRead(a.demandId(), a.consumerId(), CapacityRead.of(a.request().capacity()), "OWNED",
                        a.status() == Allocation.Status.ACTIVE, sla,
                        !sla || h.health().meets(a.slaMaxLatencyMillis(), a.slaMinAvailability())));
            }
        }
        final var spec = h.spec();
        final String state = dev.orchestrator.topology.lifecycle.UnitLifecycle.visible(h.operatorState(), confirmed,
                !held.isEmpty()).name();
        final boolean allocatable = dev.orchestrator.topology.lifecycle.UnitLifecycle.acceptsPlacements(h.operatorState())
                && h.health().healthy();
        return Optional.of(new UnitDetail(new UnitRead(spec.unitId(), spec.providerId(), spec.kind().name(), spec.region(),
                spec.pool(), state, h.health().healthy(), allocatable, CapacityRead.of(spec.capacity()), CapacityRead.of(used),
                CapacityRead.of(spec.capacity().minus(used)), spec.pricePerHourMicros(), h.health().ewmaLatencyMillis(),
                h.health().availability(), h.health().lastHeartbeat(), held.size()), held));
    }

    /** A unit whose task runs here, with what it holds. */
    public Optional<UnitDetail> unit(final String unitId) {
        final EngineTask task = tasks.get(partitionOf(unitId));
        final UnitState unit = task == null ? null : task.slice().get(unitId);
        return unit == null ? Optional.empty() : Optional.of(new UnitDetail(unit.read(), unit.heldReads()));
    }

    /** Every unit of the tasks running here. */
    public List<UnitRead> units() {
        final List<UnitRead> all = new ArrayList<>();
        for (final EngineTask task : tasks.all()) {
            task.slice().units().forEach(unit -> all.add(unit.read()));
        }
        return all;
    }

    /** The wait queues of the tasks running here, as their stream threads last published them. */
    public List<dev.orchestrator.topology.read.QueueView> queues() {
        final List<dev.orchestrator.topology.read.QueueView> all = new ArrayList<>();
        for (final EngineTask task : tasks.all()) {
            all.add(task.queueView().withOptimizer(task.optimizerView()));
        }
        return all;
    }

    /** Every unit of the tasks running here with its holds (for SLA compliance per provider). */
    public List<UnitDetail> unitDetails(final String providerId) {
        final List<UnitDetail> all = new ArrayList<>();
        for (final EngineTask task : tasks.all()) {
            task.slice().units().forEach(unit -> {
                if (providerId == null || providerId.equals(unit.providerId())) {
                    all.add(new UnitDetail(unit.read(), unit.heldReads()));
                }
            });
        }
        return all;
    }

    /**
     * The first {@code limit + 1} demands held here (allocations and rejections, not pointers) after
     * {@code after} in id order, of {@code status} and {@code consumerId} when given. The stores are
     * read whole: a page costs a scan of this instance's demands.
     */
    public List<DemandRead> demands(final String after, final int limit, final String status, final String consumerId) {
        final TreeMap<String, DemandRead> firsts = new TreeMap<>();
        for (final EngineTask task : tasks.all()) {
            try (KeyValueIterator<String, DemandRecord> it = after == null ? task.stores().demands().all()
                    : task.stores().demands().range(after + '\0', null)) {
                while (it.hasNext()) {
                    final var kv = it.next();
                    if (kv.value instanceof Allocation allocation && (status == null || allocation.status().name().equals(status))
                            && (consumerId == null || consumerId.equals(allocation.consumerId()))) {
                        firsts.put(kv.key, DemandRead.of(allocation));
                        if (firsts.size() > limit + 1) {
                            firsts.pollLastEntry();
                        }
                    }
                }
            }
        }
        return new ArrayList<>(firsts.values());
    }

    /** A consumer's policy as every task holds a copy of it; empty when it has none (or none is known here yet). */
    public Optional<PolicyRead> policy(final String consumerId) {
        for (final EngineTask task : tasks.all()) {
            final ConsumerSlice slice = task.stores().consumers().get(consumerId);
            if (slice != null && slice.known()) {
                return slice.terms() == null ? Optional.empty() : Optional.of(PolicyRead.of(consumerId, slice.terms()));
            }
        }
        return Optional.empty();
    }

    public Optional<SlaRead> sla(final String slaId) {
        for (final EngineTask task : tasks.all()) {
            final SlaTerms terms = task.stores().slas().get(slaId);
            if (terms != null) {
                return Optional.of(new SlaRead(terms.slaId(), terms.maxLatencyMillis(), terms.minAvailability(),
                        terms.windowMillis(), terms.penaltyPercent()));
            }
        }
        return Optional.empty();
    }
}
