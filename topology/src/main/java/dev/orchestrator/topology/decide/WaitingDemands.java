package dev.orchestrator.topology.decide;

import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.model.PolicyTerms;
import dev.orchestrator.topology.read.QueueView;
import dev.orchestrator.topology.routing.Journey;
import dev.orchestrator.topology.task.EngineTask;
import dev.orchestrator.topology.telemetry.DeadlineQueue;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Demands that found no room and may wait for it (WAITING). Each waits on the task that last looked
 * for it; that task tries its waiting demands again, in queue order, in the sweep after its capacity
 * changed (a release, an expiry, a unit registered, back from maintenance or healthy again), and every
 * few seconds also sends the first few of them to another task whose summary shows room. A waiting demand
 * holds nothing, so its consumer's quota and budget count it only once it is placed; at its deadline
 * it is rejected WAIT_EXPIRED, and a RELEASE of it withdraws it. Its one decision is the PLACED or
 * REJECTED that ends the wait.
 */
public final class WaitingDemands {
    private static final Logger LOG = LoggerFactory.getLogger(WaitingDemands.class);
    /** Waiting demands tried per sweep: bounds what a sweep adds to the task's work. */
    static final int TRIES_PER_SWEEP = 128;
    /** How often the waiting demands also look at other tasks' room. */
    static final long REMOTE_EVERY_MILLIS = 5_000;
    /** Waiting demands, first in line, that look at other tasks' room then: bounds what moves between tasks. */
    static final int REMOTE_TRIES = 16;
    /** Refusals that may pass while a demand waits: room, and what frees with room (quota, budget). */
    private static final Set<ReasonCode> PASSING = EnumSet.of(ReasonCode.NO_CAPACITY, ReasonCode.QUOTA_EXCEEDED,
            ReasonCode.BUDGET_EXCEEDED);
    public static final String WAITED = "demands_waited_total";

    private final EngineTask task;
    private final Placements placements;
    private final Map<Integer, QueueView.Waited> waited = new HashMap<>();
    private long seenChanges = -1;
    private long lastRemote;
    private long lastView;

    private final Choices choices;
    private final Gangs gangs;

    WaitingDemands(final EngineTask task, final Placements placements, final Choices choices, final Gangs gangs) {
        this.task = task;
        this.placements = placements;
        this.choices = choices;
        this.gangs = gangs;
    }

    /**
     * Whether the demand of {@code record}, refused for {@code reason}, waits instead: a new demand
     * turned away for room whose wait limit is above 0 and that some unit could hold once free, or one
     * waiting already whose refusal may pass.
     */
    boolean waits(final Allocation record, final ReasonCode reason, final boolean releasedUnit) {
        if (record.status() == Allocation.Status.WAITING) {
            return PASSING.contains(reason) && task.now() < record.waitUntil();
        }
        final PolicyTerms policy = task.terms(record.consumerId());
        return reason == ReasonCode.NO_CAPACITY && record.executionFailures() == 0 && !releasedUnit
                && limit(record, policy) > 0 && choices.couldEverFit(record.request(), policy);
    }

    /** How long {@code record} may wait: its own limit; a preempted allocation at least the engine's requeue wait. */
    private long limit(final Allocation record, final PolicyTerms policy) {
        final long own = record.request().maxWaitUnder(policy);
        return record.preemptions() > 0 ? Math.max(own, task.settings().scheduling().requeueWaitMillis()) : own;
    }

    /** How a demand refused for {@code reason} ends: REJECTED, or for an allocation preempted before, EXPIRED or RELEASED. */
    static Allocation.Status endStatus(final Allocation record, final ReasonCode reason) {
        if (record.preemptions() == 0) {
            return Allocation.Status.REJECTED;
        }
        return reason == ReasonCode.NONE ? Allocation.Status.RELEASED : Allocation.Status.EXPIRED;
    }

    /** The reason a waiting demand is finally refused for {@code reason}: WAIT_EXPIRED when only time ran out. */
    static ReasonCode finalReason(final Allocation record, final ReasonCode reason) {
        return record.status() == Allocation.Status.WAITING && PASSING.contains(reason) ? ReasonCode.WAIT_EXPIRED : reason;
    }

    /** What a refused waiting demand's record says. */
    String finalDetail(final Allocation record, final ReasonCode reason, final String detail) {
        return record.status() == Allocation.Status.WAITING && PASSING.contains(reason)
                ? "waited " + seconds(task.now() - record.waitingSince()) + " for capacity; " + detail : detail;
    }

    /** A demand starts to wait: its record says WAITING and why; the new state, to be written. */
    Allocation.Builder start(final Allocation record, final String detail) {
        final long now = task.now();
        final long limit = limit(record, task.terms(record.consumerId()));
        final long until = Math.addExact(now, limit);
        task.deadlines().add(until, DeadlineQueue.Kind.WAIT, record.demandId());
        return record.edit().status(Allocation.Status.WAITING).waiting(now, until)
                .reason(ReasonCode.NO_CAPACITY.name(), "waiting up to " + seconds(limit) + " for capacity: " + detail);
    }

    /** {@code record}, just written WAITING, begins to wait here: the optimizer hears of its shape once. */
    void began(final Allocation record) {
        queued(record);
        task.rejections().note(record.demandId(), record.consumerId(), record.request(), task.now());
    }

    /** {@code record} waits here. */
    private void queued(final Allocation record) {
        task.waiting().add(WaitQueue.entry(record, priority(record)));
    }

    /** A waiting demand still finds nothing: it goes on waiting here, without a record (it moved here or was tried again). */
    void stillWaiting(final Allocation record) {
        final boolean here = task.log().get(record.demandId()) instanceof Allocation kept
                && kept.status() == Allocation.Status.WAITING;
        if (!here) {
            task.log().keep(record);
            task.deadlines().add(record.waitUntil(), DeadlineQueue.Kind.WAIT, record.demandId());
        }
        queued(record);
    }

    /** A waiting demand is placed: its wait is counted. */
    void placed(final Allocation record) {
        task.waiting().remove(record.demandId());
        final long waitedMillis = Math.max(0, task.now() - record.waitingSince());
        waited.merge(priority(record), new QueueView.Waited(1, waitedMillis, waitedMillis, 0), QueueView.Waited::plus);
        task.out().counters().increment(WAITED, Map.of("outcome", "placed"));
    }

    /** What a waiting demand's placement record says about its wait. */
    String placedDetail(final Allocation record) {
        return "placed after waiting " + seconds(task.now() - record.waitingSince());
    }

    /** The wait deadline of {@code demandId} came due at {@code now}. */
    public void onDeadline(final String demandId, final long now) {
        if (!(task.log().get(demandId) instanceof Allocation record) || record.status() != Allocation.Status.WAITING) {
            return;
        }
        if (gangs.onDeadline(record, now, this)) {
            return;
        }
        if (now < record.waitUntil()) {
            task.deadlines().add(record.waitUntil(), DeadlineQueue.Kind.WAIT, demandId);
            return;
        }
        end(record, record, ReasonCode.WAIT_EXPIRED, "waited " + seconds(record.waitUntil() - record.waitingSince())
                + " for capacity and none freed; " + record.reasonDetail());
        LOG.debug("demand={} consumer={} decision=REJECTED reason=WAIT_EXPIRED", demandId, record.consumerId());
    }

    /**
     * A RELEASE of a waiting demand withdraws it; what it was waiting for ("while waiting for capacity", or for its
     * group), or null when {@code record} was not waiting.
     */
    public String withdraw(final Allocation record, final String releaseDemandId) {
        if (record.status() != Allocation.Status.WAITING) {
            return null;
        }
        final String waited = gangs.gathering(record) ? "while gathering with group " + record.request().gang().groupId()
                : "while waiting for capacity";
        gangs.left(record);
        end(record.edit().releasedBy(releaseDemandId).build(), record, record.preemptions() > 0 ? ReasonCode.NONE
                : ReasonCode.WITHDRAWN, "withdrawn by " + releaseDemandId + " " + waited);
        return waited;
    }

    /** A member of a gang whose time ran out: REJECTED GANG_TIMEOUT, with {@code detail} saying why. */
    void endGang(final Allocation record, final String detail) {
        end(record, record, ReasonCode.GANG_TIMEOUT, detail);
    }

    /**
     * {@code record}'s wait ends REJECTED, its decision; {@code published} is its state as last written.
     * A preempted allocation had its decision when it was first placed: its wait ends EXPIRED (or
     * RELEASED when withdrawn).
     */
    private void end(final Allocation record, final Allocation published, final ReasonCode reason, final String detail) {
        task.waiting().remove(record.demandId());
        final Allocation.Status status = endStatus(record, reason);
        task.log().write(published, record.edit().status(status)
                .reason(reason == ReasonCode.NONE ? "" : reason.name(), detail), status.name(), List.of());
        if (reason == ReasonCode.WAIT_EXPIRED) {
            waited.merge(priority(record), new QueueView.Waited(0, 0, 0, 1), QueueView.Waited::plus);
            task.out().counters().increment(WAITED, Map.of("outcome", "expired"));
        }
    }

    /**
     * The sweep: when this task's capacity changed since the last try, or every few seconds, the first
     * waiting demands are decided again in queue order; a demand that still fits nowhere waits on. Then
     * the queue's view is published.
     */
    public void sweep(final long wallClock) {
        final long changes = task.slice().freeingChanges();
        final boolean remote = wallClock - lastRemote >= REMOTE_EVERY_MILLIS;
        if (task.waiting().size() > 0 && (changes != seenChanges || remote)) {
            seenChanges = changes;
            if (remote) {
                lastRemote = wallClock;
            }
            placements.preemptions().retrying(true);
            try {
                int tried = 0;
                for (final WaitQueue.Entry entry : task.waiting().takeFirst(TRIES_PER_SWEEP)) {
                    if (!(task.log().get(entry.demandId()) instanceof Allocation record)
                            || record.status() != Allocation.Status.WAITING) {
                        continue;
                    }
                    final boolean look = remote && tried++ < REMOTE_TRIES;
                    // nothing here has that much free, it looks nowhere else and cannot preempt: it waits on, unscored
                    if (!look && !choices.mightFitHere(record.request(), task.terms(record.consumerId()))
                            && !placements.preemptions().couldPreempt(record)) {
                        task.waiting().add(entry);
                        continue;
                    }
                    placements.decide(record, journey(record, look));
                }
            } finally {
                placements.preemptions().retrying(false);
            }
        }
        // the view walks the whole queue: once a second is enough for /v1/queues and /metrics
        if (wallClock - lastView >= 1_000) {
            lastView = wallClock;
            task.queueView(new QueueView(task.waiting().lengths(), task.waiting().byPriority(), waited, wallClock,
                    gangs.view(), null));
        }
    }

    /**
     * The journey of a waiting demand tried again (or of an allocation just preempted): every other task
     * counts as tried, so it is placed here or waits on, except the one task whose summary shows room
     * for it when other tasks are looked at.
     */
    Journey journey(final Allocation record, final boolean remote) {
        final List<Integer> tried = new ArrayList<>(task.partitions());
        for (int p = 0; p < task.partitions(); p++) {
            if (p != task.self()) {
                tried.add(p);
            }
        }
        if (remote) {
            final PolicyTerms policy = task.terms(record.consumerId());
            final OptionalInt room = task.remote().target(record.request(), Choices.scope(record.request(), policy),
                    task.self(), List.of());
            if (room.isPresent()) {
                tried.remove(Integer.valueOf(room.getAsInt()));
            }
        }
        return new Journey(record.arrival(), task.self(), tried, 0, false);
    }

    private int priority(final Allocation record) {
        return record.request().priorityUnder(task.terms(record.consumerId()));
    }

    /** A span as whole seconds, rounded up, for a record's detail. */
    static String seconds(final long millis) {
        return (millis + 999) / 1000 + " s";
    }
}
