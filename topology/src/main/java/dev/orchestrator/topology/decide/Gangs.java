package dev.orchestrator.topology.decide;

import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.admission.ConsumerSlice;
import dev.orchestrator.topology.admission.LeaseAmount;
import dev.orchestrator.topology.ledger.UnitState;
import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.GangSpec;
import dev.orchestrator.topology.model.PolicyTerms;
import dev.orchestrator.topology.model.SlaTerms;
import dev.orchestrator.topology.model.UnitFacts;
import dev.orchestrator.topology.normalize.Refused;
import dev.orchestrator.topology.read.QueueView;
import dev.orchestrator.topology.routing.Journey;
import dev.orchestrator.topology.routing.RouteMessage;
import dev.orchestrator.topology.schedule.GangBook;
import dev.orchestrator.topology.schedule.GangPlan;
import dev.orchestrator.topology.scoring.Decision;
import dev.orchestrator.topology.task.EngineTask;
import dev.orchestrator.topology.telemetry.DeadlineQueue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gang placement: demands of one consumer naming the same group gather, WAITING, on the task the group
 * hashes to; once {@code minMembers} have arrived the gang is planned on that task's units all at once
 * ({@link GangPlan}) and, only when at least that many fit and the consumer's lease covers them together,
 * placed in one call, so in one transaction. Otherwise nothing is placed and the gang is tried again when
 * the task's capacity changes or a lease answer comes; at its deadline the members still gathering are
 * REJECTED GANG_TIMEOUT. Members the plan could not seat, and members arriving after the gang was placed,
 * are placed alone.
 */
public final class Gangs {
    private static final Logger LOG = LoggerFactory.getLogger(Gangs.class);
    /** Lease round trips a gang may make before its members wait for what the slice holds. */
    private static final int LEASE_ROUNDS = 4;
    /** Gangs tried per sweep: bounds what a sweep adds to the task's work. */
    private static final int TRIES_PER_SWEEP = 32;
    /** Counts gangs placed and timed out. */
    public static final String GANGS = "gangs_total";
    /** GPUs first, then CPU, memory, storage: the member hardest to fit is planned first. */
    private static final Comparator<Capacity> LARGEST = Comparator.comparingInt(Capacity::gpuCount)
            .thenComparingLong(Capacity::cpuMillis).thenComparingLong(Capacity::memoryBytes)
            .thenComparingLong(Capacity::storageBytes);

    private final EngineTask task;
    private final Placements placements;
    private final Choices choices;
    private long lastRemote;
    private long placed;
    private long timedOut;
    private long handed;

    Gangs(final EngineTask task, final Placements placements, final Choices choices) {
        this.task = task;
        this.placements = placements;
        this.choices = choices;
    }

    /** A new demand of a gang arrived on this task: it gathers on its group's task. */
    void arrived(final Allocation record, final Journey journey) {
        final int home = task.router().partitionOf(record.request().gangKey());
        if (home == task.self()) {
            join(record, journey);
        } else {
            placements.toGang(record, journey, home);
        }
    }

    /** A member another task sent here, where its group gathers. */
    public void onMember(final RouteMessage.GangMember member) {
        final Allocation record = member.record();
        if (record == null || record.request() == null || record.request().gang() == null
                || record.status() != Allocation.Status.PENDING) {
            throw new Refused(ReasonCode.INVALID_INPUT, "record", "a gang member message must carry a PENDING demand of a group");
        }
        if (task.log().get(record.demandId()) instanceof Allocation) {
            throw new Refused(ReasonCode.DUPLICATE, "demandId", "demand " + record.demandId() + " is known here already");
        }
        join(record, member.journey());
    }

    private void join(final Allocation record, final Journey journey) {
        final GangSpec spec = record.request().gang();
        final String key = record.request().gangKey();
        final long now = task.now();
        final GangBook book = task.gangBook();
        switch (book.join(key, record.demandId(), spec.minMembers(), now, timeout(spec))) {
            case FORMED -> {
                // its gang was placed: it is placed alone, as any demand
                placements.decide(record, journey);
                return;
            }
            case MISMATCH -> {
                placements.refuse(record, journey, ReasonCode.INVALID_INPUT, "group " + spec.groupId() + " places "
                        + book.gang(key).minMembers() + " members together; this demand says minMembers "
                        + spec.minMembers());
                return;
            }
            case FULL -> {
                placements.refuse(record, journey, ReasonCode.INVALID_INPUT, "group " + spec.groupId() + " has "
                        + GangSpec.MAX_MEMBERS + " members gathering already");
                return;
            }
            case AWAY -> {
                // its gang was handed to another task: it follows it there
                placements.toGang(record, journey, book.awayAt(key));
                return;
            }
            case GATHERING -> {
                // below
            }
        }
        final GangBook.Gang gang = book.gang(key);
        task.log().write(record, record.edit().status(Allocation.Status.WAITING).waiting(now, gang.deadline())
                .reason("", "gathering group " + spec.groupId() + ": " + gang.size() + " of at least "
                        + gang.minMembers() + " members here; placed together once they fit, or REJECTED GANG_TIMEOUT in "
                        + WaitingDemands.seconds(gang.deadline() - now)), "WAITING", List.of());
        task.deadlines().add(gang.deadline(), DeadlineQueue.Kind.WAIT, record.demandId());
        placements.repoint(record, journey);
        if (gang.gathered()) {
            form(gang);
        }
    }

    /** Whether {@code record} waits in a gang still gathering here (so it is not placed alone). */
    boolean gathering(final Allocation record) {
        final String key = record.request().gangKey();
        return key != null && record.status() == Allocation.Status.WAITING
                && task.gangBook().waits(key, record.demandId());
    }

    /** A gathering member is back (a lease answer): its gang is tried again. */
    void retry(final Allocation record) {
        final GangBook.Gang gang = task.gangBook().gang(record.request().gangKey());
        if (gang != null && gang.gathered()) {
            form(gang);
        }
    }

    /**
     * The sweep: gangs with their members here are tried again once the task's capacity changed, and every
     * few seconds in any case, as other tasks' room changes too.
     */
    public void sweep(final long wallClock) {
        task.gangBook().prune(task.now());
        final long changes = task.slice().freeingChanges();
        final boolean remote = wallClock - lastRemote >= WaitingDemands.REMOTE_EVERY_MILLIS;
        if (remote) {
            lastRemote = wallClock;
        }
        int tried = 0;
        for (final GangBook.Gang gang : task.gangBook().gathered()) {
            if ((remote || !gang.triedAt(changes)) && tried++ < TRIES_PER_SWEEP) {
                form(gang);
            }
        }
    }

    /**
     * The WAIT deadline of {@code record} came due: when it gathers in a gang, the gang's time ran out and
     * its members are rejected. Whether it was a gathering member.
     */
    boolean onDeadline(final Allocation record, final long now, final WaitingDemands waiting) {
        if (!gathering(record)) {
            return false;
        }
        final String key = record.request().gangKey();
        final GangBook.Gang gang = task.gangBook().gang(key);
        if (now < gang.deadline()) {
            task.deadlines().add(gang.deadline(), DeadlineQueue.Kind.WAIT, record.demandId());
            return true;
        }
        final String detail = "group " + record.request().gang().groupId() + " did not place " + gang.minMembers()
                + " members together within " + WaitingDemands.seconds(gang.deadline() - gang.started()) + ": " + gang.size()
                + " gathered" + (gang.why().isEmpty() ? "" : "; " + gang.why());
        for (final String demandId : task.gangBook().expire(key)) {
            if (task.log().get(demandId) instanceof Allocation member && member.status() == Allocation.Status.WAITING) {
                waiting.endGang(member, detail);
            }
        }
        task.out().counters().increment(GANGS, Map.of("outcome", "timeout"));
        timedOut++;
        LOG.debug("group={} decision=REJECTED reason=GANG_TIMEOUT detail={}", key, detail);
        return true;
    }

    /** The gangs gathering here and how those that ended went since this task started, for /v1/queues. */
    QueueView.Gangs view() {
        return new QueueView.Gangs(task.gangBook().gatheringCount(), task.gangBook().membersGathering(), placed, timedOut,
                handed);
    }

    /** A RELEASE withdrew {@code record}: it leaves its gang. */
    void left(final Allocation record) {
        if (gathering(record)) {
            task.gangBook().left(record.request().gangKey(), record.demandId());
        }
    }

    /**
     * Plans the gang on this task's units and places it when at least its minimum fit and the lease covers
     * them together; otherwise places nothing and says why.
     */
    private void form(final GangBook.Gang gang) {
        gang.tried(task.slice().freeingChanges());
        final List<Allocation> members = new ArrayList<>();
        for (final String demandId : gang.members()) {
            if (task.log().get(demandId) instanceof Allocation member && member.status() == Allocation.Status.WAITING) {
                members.add(member);
            }
        }
        if (members.size() < gang.minMembers()) {
            return;
        }
        final Allocation first = members.get(0);
        final String consumerId = first.consumerId();
        final ConsumerSlice known = task.consumer(consumerId);
        if (!known.known()) {
            askLease(gang, first, LeaseAmount.ZERO);
            return;
        }
        final LeaseAmount held = task.held(consumerId);
        final ConsumerSlice consumer = known.settled(held);
        if (consumer != known) {
            task.consumer(consumerId, consumer);
        }
        if (!placements.mayPay(consumerId)) {
            gang.why("consumer " + consumerId + " has no funds");
            return;
        }
        final PolicyTerms policy = consumer.policy();
        final Map<String, Decision> chosen = new HashMap<>();
        final GangPlan.Plan<Allocation> plan = GangPlan.plan(members, member -> member.request().capacity(), LARGEST,
                gang.minMembers(), (member, taken) -> {
                    final Optional<SlaTerms> sla = task.sla(member.request().slaId());
                    if (!member.request().slaId().isEmpty() && sla.isEmpty()) {
                        return Optional.empty();
                    }
                    final Decision decision = choices.bestWith(member.request(), policy, sla, taken);
                    decision.chosen().ifPresent(unit -> chosen.put(member.demandId(), decision));
                    return decision.chosen().map(UnitFacts::unitId);
                });
        if (!plan.complete()) {
            gang.why(plan.seats().size() + " of the " + members.size() + " members gathered fit on this task's units"
                    + " (at least " + gang.minMembers() + " needed)");
            if (!gang.handedOver()) {
                handOff(gang, members, policy);
            }
            return;
        }
        LeaseAmount need = LeaseAmount.ZERO;
        for (final GangPlan.Seat<Allocation> seat : plan.seats()) {
            need = need.plus(LeaseAmount.of(seat.member().request().capacity(),
                    Choices.cost(chosen.get(seat.member().demandId()), seat.member().request())));
        }
        if (!consumer.admits(held, need)) {
            askLease(gang, first, need);
            return;
        }
        final String note = "placed with group " + first.request().gang().groupId() + ": " + plan.seats().size() + " of "
                + members.size() + " members together (at least " + gang.minMembers() + ")";
        task.gangBook().formed(gang);
        for (final GangPlan.Seat<Allocation> seat : plan.seats()) {
            final Allocation member = seat.member();
            final UnitState unit = task.slice().get(seat.unitId());
            final Optional<SlaTerms> sla = task.sla(member.request().slaId());
            final Decision on = choices.on(member.request(), policy, sla, unit);
            if (on.chosen().isEmpty()) {
                // cannot happen: the plan judged the unit as these placements leave it
                LOG.warn("demand={} of group {} planned on {} does not fit there: {}", member.demandId(), gang.key(),
                        seat.unitId(), on.detail());
                continue;
            }
            placements.placeOn(member, journeyOf(member), unit, on, sla, note);
        }
        task.out().counters().increment(GANGS, Map.of("outcome", "placed"));
        placed++;
        LOG.debug("group={} placed {} of {} members", gang.key(), plan.seats().size(), members.size());
        // those the plan could not seat are placed alone, or wait alone until the gang's deadline
        for (final Allocation member : plan.unseated()) {
            placements.decide(member, placements.waiting().journey(member, false));
        }
    }

    /**
     * A gang that does not fit here goes, whole and once, to the task whose summaries show room for at
     * least its minimum: its members' records here point there, and members arriving later follow it.
     */
    private void handOff(final GangBook.Gang gang, final List<Allocation> members, final PolicyTerms policy) {
        final OptionalInt target = task.remote().gangTarget(GangPlan.largestFirst(members,
                (Allocation m) -> m.request().capacity(), LARGEST).stream().map(Allocation::request).toList(),
                request -> Choices.scope(request, policy), gang.minMembers(), task.self());
        if (target.isEmpty()) {
            return;
        }
        task.gangBook().handedTo(gang, target.getAsInt());
        for (final Allocation member : members) {
            task.log().movedWithGang(member, target.getAsInt(), gang.key(), gang.deadline());
        }
        task.router().send(target.getAsInt(), gang.key(), new RouteMessage.GangHandoff(gang.key(), gang.minMembers(),
                gang.started(), gang.deadline(), members));
        task.out().counters().increment(GANGS, Map.of("outcome", "handed"));
        handed++;
        LOG.debug("group={} handed to task {} with {} members", gang.key(), target.getAsInt(), members.size());
    }

    /** A gang another task handed here whole: it gathers here and is tried at once. */
    public void onHandoff(final RouteMessage.GangHandoff handoff) {
        if (handoff.members().isEmpty() || handoff.members().size() > GangSpec.MAX_MEMBERS || handoff.minMembers() < 1
                || handoff.deadline() < handoff.started()) {
            throw new Refused(ReasonCode.INVALID_INPUT, "members", "a gang handed over must carry 1 to "
                    + GangSpec.MAX_MEMBERS + " members, a minimum and a deadline after its start");
        }
        final List<String> ids = new ArrayList<>();
        for (final Allocation member : handoff.members()) {
            if (member.request() == null || !handoff.key().equals(member.request().gangKey())
                    || member.status() != Allocation.Status.WAITING || task.log().get(member.demandId()) instanceof Allocation) {
                throw new Refused(ReasonCode.INVALID_INPUT, "members", "gang " + handoff.key() + " handed over with member "
                        + member.demandId() + " that is not a WAITING member of it new here");
            }
            ids.add(member.demandId());
        }
        for (final Allocation member : handoff.members()) {
            task.log().keep(member);
            task.deadlines().add(handoff.deadline(), DeadlineQueue.Kind.WAIT, member.demandId());
        }
        form(task.gangBook().adopt(handoff.key(), handoff.minMembers(), handoff.started(), handoff.deadline(), ids));
    }

    /** The gang asks its consumer's home for lease, a bounded number of times; then it waits for what frees. */
    private void askLease(final GangBook.Gang gang, final Allocation first, final LeaseAmount need) {
        if (gang.mayAskLease(LEASE_ROUNDS)) {
            gang.askedLease();
            placements.askLease(first, journeyOf(first), need);
        } else {
            gang.why("the consumer's quota or budget does not cover the members together");
        }
    }

    /**
     * A gathering member's journey: its arrival's record points to its group's task (or, when it arrived
     * there, to where that task handed the gang: here).
     */
    private Journey journeyOf(final Allocation member) {
        final int home = task.router().partitionOf(member.request().gangKey());
        return new Journey(member.arrival(), member.arrival() == home ? task.self() : home, List.of(), 0, false);
    }

    private long timeout(final GangSpec spec) {
        return spec.timeoutMillis() != null ? spec.timeoutMillis() : task.settings().scheduling().gangTimeoutMillis();
    }
}
