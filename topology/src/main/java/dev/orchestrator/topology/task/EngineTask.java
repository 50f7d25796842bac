package dev.orchestrator.topology.task;

import dev.orchestrator.topology.routing.RouteMessage;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.topology.EngineSettings;
import dev.orchestrator.topology.admission.ConsumerSlice;
import dev.orchestrator.topology.admission.ConsumerUsage;
import dev.orchestrator.topology.admission.LeaseAmount;
import dev.orchestrator.topology.decide.WaitQueue;
import dev.orchestrator.topology.read.QueueView;
import dev.orchestrator.topology.emit.DecisionLog;
import dev.orchestrator.topology.emit.Emitter;
import dev.orchestrator.topology.ledger.Held;
import dev.orchestrator.topology.ledger.Slice;
import dev.orchestrator.topology.ledger.UnitHeader;
import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.model.DemandRecord;
import dev.orchestrator.topology.model.Queued;
import dev.orchestrator.topology.model.GangSpec;
import dev.orchestrator.topology.model.Hosted;
import dev.orchestrator.topology.model.Moved;
import dev.orchestrator.topology.model.PolicyTerms;
import dev.orchestrator.topology.model.SlaTerms;
import dev.orchestrator.topology.normalize.Normalizer;
import dev.orchestrator.topology.optimize.OptimizerView;
import dev.orchestrator.topology.optimize.RecentRejections;
import dev.orchestrator.topology.routing.RemoteSlices;
import dev.orchestrator.topology.schedule.GangBook;
import dev.orchestrator.topology.schedule.PreemptionBudget;
import dev.orchestrator.topology.routing.Router;
import dev.orchestrator.topology.state.EngineStores;
import dev.orchestrator.topology.telemetry.DeadlineQueue;
import dev.orchestrator.topology.telemetry.InputClock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Everything one engine task holds: its stores, and in memory its units (exact, indexed), what each
 * consumer's allocations here hold, the consumers' terms and leases, SLAs, the other tasks' pool
 * summaries and the deadlines to watch. Built in {@code init} from the stores alone, which Streams
 * restores to the last commit, so after a crash memory and stores agree again.
 */
public final class EngineTask {
    private final EngineSettings settings;
    private final Topics topics;
    private final Normalizer normalizer;
    private final int self;
    private final int partitions;
    private final EngineStores stores;
    private final Emitter out;
    private final Router router;
    private final DecisionLog log;
    private final Slice slice = new Slice();
    private final RemoteSlices remote;
    private final DeadlineQueue deadlines = new DeadlineQueue();
    private final RecentRejections rejections = new RecentRejections();
    private final WaitQueue waiting = new WaitQueue();
    private final GangBook gangBook = new GangBook(GangSpec.MAX_MEMBERS);
    private final PreemptionBudget preemptionBudget = new PreemptionBudget();
    /** Demands held to be placed together when the task last committed, in arrival order: the batch takes them. */
    private final List<Queued> restoredQueue = new ArrayList<>();

    /** Written by the stream thread after each sweep, read by /v1/queues and /metrics. */
    private volatile QueueView queueView = QueueView.EMPTY;
    /** Written by the stream thread after each optimizer round, read by /metrics. */
    private volatile OptimizerView optimizerView = OptimizerView.NONE;
    private final InputClock clock;
    private final Map<String, ConsumerSlice> consumers = new HashMap<>();
    private final Map<String, ConsumerUsage> usage = new HashMap<>();
    private final Map<String, SlaTerms> slas = new HashMap<>();

    public EngineTask(final ProcessorContext<Object, Object> context, final EngineSettings settings, final Topics topics,
               final Normalizer normalizer) {
        this.settings = settings;
        slice.pricing(settings.pricing());
        this.topics = topics;
        this.normalizer = normalizer;
        this.self = context.taskId().partition();
        this.partitions = settings.partitions();
        this.stores = EngineStores.of(context);
        this.out = new Emitter(context, normalizer.currency(), settings.payments().enabled());
        this.router = new Router(out, self, partitions);
        this.log = new DecisionLog(stores.demands(), out, unitId -> slice.get(unitId) != null,
                unitId -> slice.markDirty(slice.get(unitId)));
        this.remote = new RemoteSlices(settings.spillMargin());
        this.clock = new InputClock(4L * settings.heartbeatLimitMillis());
        restore();
    }

    /** The demands held for joint placement that the stores gave back, in arrival order. */
    public List<Queued> restoredQueue() {
        return restoredQueue;
    }

    public EngineSettings settings() {
        return settings;
    }

    public Topics topics() {
        return topics;
    }

    public Normalizer normalizer() {
        return normalizer;
    }

    /** This task's partition. */
    public int self() {
        return self;
    }

    public int partitions() {
        return partitions;
    }

    public EngineStores stores() {
        return stores;
    }

    public Emitter out() {
        return out;
    }

    public Router router() {
        return router;
    }

    public DecisionLog log() {
        return log;
    }

    public Slice slice() {
        return slice;
    }

    public RemoteSlices remote() {
        return remote;
    }

    public OptimizerView optimizerView() {
        return optimizerView;
    }

    public void optimizerView(final OptimizerView view) {
        optimizerView = view;
    }

    /** Demand turned away here for lack of room, which the optimizer makes room for. */
    public RecentRejections rejections() {
        return rejections;
    }

    /** Demands waiting here for capacity, in the order they get it. */
    public WaitQueue waiting() {
        return waiting;
    }

    /** The priority of what {@code held} holds: the one its demand named, else its consumer policy's. */
    public int priorityOf(final Held held) {
        return held.priority() == Held.POLICY_PRIORITY ? terms(held.consumerId()).priority() : held.priority();
    }

    /** When this task preempted each consumer's allocations, within the disruption window. */
    public PreemptionBudget preemptionBudget() {
        return preemptionBudget;
    }

    public QueueView queueView() {
        return queueView;
    }

    public void queueView(final QueueView view) {
        queueView = view;
    }

    /** The gangs gathering here, and those placed lately. */
    public GangBook gangBook() {
        return gangBook;
    }

    public DeadlineQueue deadlines() {
        return deadlines;
    }

    public InputClock clock() {
        return clock;
    }

    public long now() {
        return out.now();
    }

    public ConsumerSlice consumer(final String consumerId) {
        return consumers.getOrDefault(consumerId, ConsumerSlice.UNKNOWN);
    }

    public void consumer(final String consumerId, final ConsumerSlice next) {
        consumers.put(consumerId, next);
        stores.consumers().put(consumerId, next);
    }

    /** The consumer's terms as this task knows them: unlimited until its home said otherwise. */
    public PolicyTerms terms(final String consumerId) {
        return consumer(consumerId).policy();
    }

    public ConsumerUsage usage(final String consumerId) {
        return usage.computeIfAbsent(consumerId, c -> new ConsumerUsage());
    }

    /** What {@code consumerId}'s allocations here hold now, money in the current budget period. */
    public LeaseAmount held(final String consumerId) {
        return usage(consumerId).amount(out.now(), terms(consumerId).budgetPeriodMillis());
    }

    public Optional<SlaTerms> sla(final String slaId) {
        return slaId.isEmpty() ? Optional.empty() : Optional.ofNullable(slas.get(slaId));
    }

    public void sla(final String slaId, final SlaTerms terms) {
        if (terms == null) {
            slas.remove(slaId);
            stores.slas().delete(slaId);
        } else {
            slas.put(slaId, terms);
            stores.slas().put(slaId, terms);
        }
    }

    /** Writes the headers of units whose stored header fell behind: part of the transaction of what changed them. */
    public void persistHeaders() {
        for (final dev.orchestrator.topology.ledger.UnitState unit : slice.takeDirty()) {
            stores.units().put(unit.unitId(), slice.stored(unit));
        }
    }

    /** Whether this task owns {@code key} (a unit, consumer, provider or demand id). */
    public boolean owns(final String key) {
        return router.partitionOf(key) == self;
    }

    private void restore() {
        try (KeyValueIterator<String, UnitHeader> it = stores.units().all()) {
            it.forEachRemaining(kv -> slice.restore(kv.value));
        }
        try (KeyValueIterator<String, ConsumerSlice> it = stores.consumers().all()) {
            it.forEachRemaining(kv -> consumers.put(kv.key, kv.value));
        }
        try (KeyValueIterator<String, RouteMessage.ProviderStanding> it = stores.standings().all()) {
            it.forEachRemaining(kv -> slice.standings().put(kv.value));
        }
        try (KeyValueIterator<String, SlaTerms> it = stores.slas().all()) {
            it.forEachRemaining(kv -> slas.put(kv.key, kv.value));
        }
        final long now = out.now();
        final List<Allocation> gathering = new ArrayList<>();
        try (KeyValueIterator<String, DemandRecord> it = stores.demands().all()) {
            it.forEachRemaining(kv -> restore(kv.value, now, gathering));
        }
        regather(gathering, now);
        restoredQueue.sort(java.util.Comparator.comparingLong(Queued::arrivedAt));
        try (KeyValueIterator<String, Hosted> it = stores.hosted().all()) {
            it.forEachRemaining(kv -> {
                final Hosted hosted = kv.value;
                slice.restoreSequence(hosted.unitId(), hosted.unitSequence());
                slice.restoreHeld(hosted.unitId(), new Held(hosted.allocationId(), hosted.consumerId(), hosted.capacity(),
                        Held.Role.HOSTED, hosted.confirmed(), hosted.slaMaxLatencyMillis(), hosted.slaMinAvailability()));
                if (!hosted.confirmed()) {
                    deadlines.add(hosted.confirmBy(), DeadlineQueue.Kind.HOSTED, hosted.allocationId());
                }
            });
        }
        slice.restored();
        slice.units().forEach(unit -> deadlines.add(unit.health().lastHeartbeat() + settings.heartbeatLimitMillis(),
                DeadlineQueue.Kind.HEARTBEAT, unit.unitId()));
    }

    private void restore(final DemandRecord record, final long now, final List<Allocation> gathering) {
        if (record instanceof Queued queued) {
            restoredQueue.add(queued);
            log.restoredHeld(queued.demandId());
            return;
        }
        if (record instanceof Moved moved) {
            moved.unitSequences().forEach(slice::restoreSequence);
            if (moved.gangKey() != null && moved.gangUntil() > now) {
                gangBook.restoreAway(moved.gangKey(), moved.to(), moved.gangUntil());
            }
            if (moved.preemptedAt() > 0) {
                preemptionBudget.preempted(moved.consumerId(), moved.preemptedAt());
            }
            return;
        }
        if (!(record instanceof Allocation allocation)) {
            return;
        }
        allocation.unitSequences().forEach(slice::restoreSequence);
        final PolicyTerms terms = terms(allocation.consumerId());
        if (allocation.preemptedAt() > 0) {
            preemptionBudget.preempted(allocation.consumerId(), allocation.preemptedAt());
        }
        // what it cost before it ended or was preempted (a preempted one may hold capacity again since)
        if (allocation.endedAt() > 0 && allocation.spentMicros() > 0) {
            usage(allocation.consumerId()).spent(allocation.spentMicros(), allocation.endedAt(), now,
                    terms.budgetPeriodMillis());
        }
        if (allocation.holdsCapacity()) {
            slice.restoreHeld(allocation.unitId(), Holds.owned(allocation));
            if (allocation.attempts() > 1 || allocation.migrations() > 0) {
                // it may have held capacity on another task before: its budget share stays left out here
                preemptionBudget.arrived(allocation.consumerId(), allocation.placement().reservedAt());
            }
            usage(allocation.consumerId()).hold(allocation.request().capacity(), allocation.placement().costMicros());
            deadlines.add(allocation.status() == Allocation.Status.PLACED ? allocation.placement().confirmBy()
                    : allocation.placement().endsAt(), allocation.status() == Allocation.Status.PLACED
                    ? DeadlineQueue.Kind.CONFIRM : DeadlineQueue.Kind.END, allocation.demandId());
            if (allocation.migration() != null && allocation.migration().reserved()
                    && allocation.migration().targetPartition() == self) {
                slice.restoreHeld(allocation.migration().targetUnit(), Holds.target(allocation));
                deadlines.add(allocation.migration().confirmBy(), DeadlineQueue.Kind.MIGRATION, allocation.demandId());
            }
        }
        final GangSpec gang = allocation.request().gang();
        if (gang != null && allocation.placement() != null && allocation.waitUntil() > now) {
            // placed with its gang (a member that gathered keeps the gang's deadline): later members go alone
            gangBook.restoreFormed(allocation.request().gangKey(), allocation.waitUntil());
        }
        rememberTurnedAway(allocation, now);
        if (allocation.status() == Allocation.Status.WAITING) {
            deadlines.add(allocation.waitUntil(), DeadlineQueue.Kind.WAIT, allocation.demandId());
            if (gang != null) {
                // whether it gathers or waits alone depends on whether its gang was placed: known once all is read
                gathering.add(allocation);
            } else {
                waiting.add(WaitQueue.entry(allocation, allocation.request().priorityUnder(terms)));
            }
        }
    }

    /**
     * A demand turned away for lack of room within the optimizer's memory, or waiting for room, is remembered again
     * as when it was turned away: a crash between two rounds must not forget demand no round planned for yet.
     */
    private void rememberTurnedAway(final Allocation allocation, final long now) {
        if (!ReasonCode.NO_CAPACITY.name().equals(allocation.reason())) {
            return;
        }
        final long at = allocation.status() == Allocation.Status.REJECTED ? allocation.endedAt()
                : allocation.status() == Allocation.Status.WAITING ? allocation.waitingSince() : 0;
        if (at > 0 && at >= now - settings.optimizer().rememberMillis()) {
            rejections.restored(new RecentRejections.Rejected(allocation.demandId(), allocation.consumerId(),
                    allocation.request(), at));
        }
    }

    /** Gang members that were WAITING: alone when their gang was placed, else gathering again. */
    private void regather(final List<Allocation> gathering, final long now) {
        for (final Allocation member : gathering) {
            final String key = member.request().gangKey();
            if (gangBook.isFormed(key, now)) {
                waiting.add(WaitQueue.entry(member, member.request().priorityUnder(terms(member.consumerId()))));
            } else {
                gangBook.restore(key, member.demandId(), member.request().gang().minMembers(), member.waitingSince(),
                        member.waitUntil());
            }
        }
    }
}
