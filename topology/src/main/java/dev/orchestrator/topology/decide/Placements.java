package dev.orchestrator.topology.decide;

import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.admission.ConsumerSlice;
import dev.orchestrator.topology.admission.LeaseAmount;
import dev.orchestrator.topology.emit.Commands;
import dev.orchestrator.topology.ledger.Held;
import dev.orchestrator.topology.ledger.UnitChange;
import dev.orchestrator.topology.ledger.UnitState;
import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.model.Candidate;
import dev.orchestrator.topology.model.PlaceRequest;
import dev.orchestrator.topology.model.Placement;
import dev.orchestrator.topology.model.PolicyTerms;
import dev.orchestrator.topology.model.SlaTerms;
import dev.orchestrator.topology.routing.Journey;
import dev.orchestrator.topology.routing.RouteMessage;
import dev.orchestrator.topology.model.Prices;
import dev.orchestrator.topology.schedule.Preemptions;
import dev.orchestrator.topology.schedule.VictimChoice;
import dev.orchestrator.topology.scoring.Decision;
import dev.orchestrator.topology.task.EngineTask;
import dev.orchestrator.topology.telemetry.DeadlineQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps 2 to 5 for one demand, in one call on the task it is on: admit it against the consumer's
 * lease, score this task's units (exact: the task owns them), reserve the best and write the decision
 * with its command. When nothing here fits, or another task's units look clearly cheaper, the demand
 * moves once to that task; when the lease does not cover it, it rides to the consumer's home and
 * comes back with more, and the consumer's next demands wait here for that answer ({@link LeaseWaits}).
 */
public final class Placements {
    private static final Logger LOG = LoggerFactory.getLogger(Placements.class);
    /** Lease round trips a demand may make before its need is judged with what the slice holds. */
    private static final int LEASE_ROUNDS = 4;
    /** Counts demands decided on another task than the one they arrived on. */
    public static final String SPILLED = "demands_spilled_total";

    /**
     * One attempt to decide {@code record}: where it has been, its state as last written
     * ({@code published}, which the next change starts from) and the unit changes already made for it
     * that the next record written audits (the release of a unit whose provisioning failed).
     */
    private record Attempt(Allocation record, Journey journey, Allocation published, List<UnitChange> released) {
    }

    private final EngineTask task;
    private final Choices choices;
    private final LeaseWaits waits;
    private final WaitingDemands waiting;
    private final Preemptions preemptions;
    private final Gangs gangs;
    private final DemandBatch batch;

    public Placements(final EngineTask task) {
        this.task = task;
        this.choices = new Choices(task);
        this.waits = new LeaseWaits(task);
        this.gangs = new Gangs(task, this, choices);
        this.waiting = new WaitingDemands(task, this, choices, gangs);
        this.preemptions = new Preemptions(task);
        this.batch = new DemandBatch(task, this);
    }

    /** The demands held here to be placed together. */
    public DemandBatch batch() {
        return batch;
    }

    /** The gangs gathering here. */
    public Gangs gangs() {
        return gangs;
    }

    /** The demands waiting here for capacity. */
    public WaitingDemands waiting() {
        return waiting;
    }

    Preemptions preemptions() {
        return preemptions;
    }

    /** A valid PLACE demand that arrived on this task. */
    public void arrived(final PlaceRequest request) {
        if (request.gang() != null) {
            gangs.arrived(Allocation.pending(request, task.self()), Journey.arrivedOn(task.self()));
        } else if (batch.enabled()) {
            batch.hold(request);
        } else {
            decide(Allocation.pending(request, task.self()), Journey.arrivedOn(task.self()));
        }
    }

    /** A demand another task sent here. */
    public void onSpill(final RouteMessage.Spill spill) {
        decide(spill.record(), spill.journey());
    }

    /** The consumer's home answered a lease request: what it granted is added, and the demand decided again. */
    public void onGrant(final RouteMessage.LeaseGrant grant) {
        final String consumerId = grant.consumerId();
        task.consumer(consumerId, task.consumer(consumerId).granted(grant.terms(), grant.generation(), grant.amount(),
                task.held(consumerId)));
        if (grant.record() == null) {
            // a share handed out after a recall, not an answer: a request in flight still gets its own
            return;
        }
        waits.answered(consumerId, grant.exhausted());
        if (stillWaiting(grant.record())) {
            decide(grant.record(), grant.journey().granted(grant.exhausted()));
        }
        // the consumer's demands that waited for this answer, in order, until one asks again
        RouteMessage.Spill next;
        while ((next = waits.next(consumerId)) != null) {
            // still undecided here (a release or a restart may have settled it since)
            if (task.log().get(next.record().demandId()) instanceof Allocation undecided
                    && (undecided.status() == Allocation.Status.PENDING || undecided.status() == Allocation.Status.REPLACING
                    || undecided.status() == Allocation.Status.WAITING)) {
                decide(undecided, next.journey());
            }
        }
    }

    /**
     * Whether a demand a lease answer brings back is still to be decided: one that was waiting for
     * capacity may have been placed, withdrawn or expired here since it asked.
     */
    private boolean stillWaiting(final Allocation record) {
        return record.status() != Allocation.Status.WAITING
                || task.log().get(record.demandId()) instanceof Allocation now && now.status() == Allocation.Status.WAITING;
    }

    /** Places {@code record} here, moves it on, asks for lease, waits for room, or rejects it. */
    public void decide(final Allocation record, final Journey journey) {
        decide(new Attempt(record, journey, record, List.of()));
    }

    /**
     * An allocation whose provisioning failed: {@code record} is its state now (REPLACING),
     * {@code published} its state as last written, {@code released} the release of its unit.
     */
    public void replace(final Allocation record, final Journey journey, final Allocation published,
                        final List<UnitChange> released) {
        if (record.executionFailures() >= task.settings().maxAttempts()) {
            reject(new Attempt(record, journey, published, released), ReasonCode.EXECUTION_FAILED,
                    "provisioning failed on " + record.tried() + ": " + record.reasonDetail(), record.candidates());
        } else {
            decide(new Attempt(record, journey, published, released));
        }
    }

    private void decide(final Attempt attempt) {
        final Allocation record = attempt.record();
        final PlaceRequest request = record.request();
        if (gangs.gathering(record)) {
            // a member of a gang still gathering is placed with its gang or not at all (a lease answer brings it back)
            gangs.retry(record);
            return;
        }
        if (!task.consumer(record.consumerId()).known()) {
            askHome(attempt, LeaseAmount.ZERO);
            return;
        }
        final LeaseAmount held = task.held(record.consumerId());
        // settled before this placement can add to what is held, so an adopted lease never grows back
        final ConsumerSlice known = task.consumer(record.consumerId());
        final ConsumerSlice consumer = known.settled(held);
        if (consumer != known) {
            task.consumer(record.consumerId(), consumer);
        }
        final PolicyTerms policy = consumer.policy();
        final LeaseAmount quota = LeaseAmount.of(request.capacity(), 0);
        final boolean lastRound = attempt.journey().exhausted() || attempt.journey().leaseRounds() >= LEASE_ROUNDS;
        if (!consumer.admitsQuota(held, quota)) {
            if (lastRound) {
                reject(attempt, ReasonCode.QUOTA_EXCEEDED, "the consumer's quota (" + quota(policy) + ") is in use", List.of());
            } else {
                askHome(attempt, quota);
            }
            return;
        }
        final Optional<SlaTerms> sla = task.sla(request.slaId());
        if (!request.slaId().isEmpty() && sla.isEmpty()) {
            // the SLA's home knows for sure; a copy may not have reached this task yet (a new SLA, a start)
            final int home = task.router().partitionOf(request.slaId());
            if (home != task.self() && !attempt.journey().triedPartitions().contains(home)) {
                moveOn(attempt, home, false);
            } else {
                reject(attempt, ReasonCode.SLA_UNSATISFIABLE, "unknown SLA " + request.slaId(), List.of());
            }
            return;
        }
        if (task.settings().payments().enabled() && !funded(record.consumerId())) {
            reject(attempt, ReasonCode.INSUFFICIENT_FUNDS, "consumer " + record.consumerId() + " has no funds: deposit "
                    + "through POST /v1/consumers/{id}/deposits or funds.v1", List.of());
            return;
        }
        // past its last lease round a demand may spend only what the slice holds: a cheaper unit, or BUDGET_EXCEEDED
        final Decision decision = choices.best(record, policy, sla, lastRound ? consumer.moneyLeft(held) : Long.MAX_VALUE);
        final OptionalInt elsewhere = choices.elsewhere(record, attempt.journey(), policy, decision);
        if (elsewhere.isPresent()) {
            task.remote().sending(elsewhere.getAsInt(), request, Choices.scope(request, policy));
            // moved for price, this task stays a place to come back to if the other cannot place it after all
            moveOn(attempt, elsewhere.getAsInt(), decision.chosen().isEmpty());
            return;
        }
        if (decision.chosen().isEmpty()) {
            final boolean failedBefore = record.executionFailures() > 0;
            final ReasonCode reason = failedBefore ? ReasonCode.EXECUTION_FAILED : choices.reason(record, policy, decision);
            if (reason == ReasonCode.NO_CAPACITY && attempt.released().isEmpty() && preemptions.mayPreempt(record)) {
                // victims are looked for among a task's own units: one with none that could hold it sends it on
                // to a task that has, once
                final OptionalInt holder = choices.couldEverFitHere(request, policy) ? OptionalInt.empty()
                        : task.remote().couldHold(request, Choices.scope(request, policy), task.self(),
                        attempt.journey().triedPartitions());
                if (holder.isPresent()) {
                    moveOn(attempt, holder.getAsInt());
                    return;
                }
                if (preempt(attempt, consumer, held, policy, sla, lastRound)) {
                    return;
                }
            }
            reject(attempt, reason, failedBefore ? "provisioning failed on " + record.tried() + " and no other unit fits: "
                    + decision.detail() : decision.detail(), decision.breakdown());
            return;
        }
        final long cost = Choices.cost(decision, request);
        final LeaseAmount need = LeaseAmount.of(request.capacity(), cost);
        if (!consumer.admits(held, need)) {
            if (lastRound) {
                reject(attempt, ReasonCode.BUDGET_EXCEEDED, "the consumer's budget for this period is spent",
                        decision.breakdown());
            } else {
                askHome(attempt, need);
            }
            return;
        }
        reserve(attempt, (UnitState) decision.chosen().get(), decision, cost, sla, "");
    }

    /**
     * Nothing fits: when allocations of lower priority on one of this task's units can make room within
     * their consumers' disruption budgets, and the consumer's lease admits the placement at that unit's
     * price now (freeing room only lowers it), they are preempted, the demand takes the room in this
     * transaction, and they are placed again at once (or wait). A lease too small first asks the
     * consumer's home for more, as any placement does, and the demand looks again with the answer.
     * Whether it was handled so (placed, or gone to ask).
     */
    private boolean preempt(final Attempt attempt, final ConsumerSlice consumer, final LeaseAmount held,
                            final PolicyTerms policy, final Optional<SlaTerms> sla, final boolean lastRound) {
        final Allocation record = attempt.record();
        final PlaceRequest request = record.request();
        final Optional<VictimChoice.Plan> plan = preemptions.plan(record, policy, sla);
        if (plan.isEmpty()) {
            return false;
        }
        final UnitState unit = task.slice().get(plan.get().unitId());
        final long estimate = Choices.cost(Prices.proRata(unit.pricePerHourMicros(), unit.capacity(), request.capacity()),
                request);
        final LeaseAmount need = LeaseAmount.of(request.capacity(), estimate);
        if (!consumer.admits(held, need)) {
            if (lastRound) {
                return false;
            }
            askHome(attempt, need);
            return true;
        }
        final int priority = request.priorityUnder(policy);
        final List<Allocation> evicted = new ArrayList<>();
        for (final VictimChoice.Holder victim : plan.get().victims()) {
            evicted.add(preemptions.evict(victim.allocationId(), unit.unitId(), record, priority));
        }
        final Decision on = choices.on(request, policy, sla, unit);
        if (on.chosen().isPresent()) {
            reserve(attempt, unit, on, Choices.cost(on, request), sla, "placed by preempting "
                    + String.join(", ", plan.get().victims().stream().map(VictimChoice.Holder::allocationId).toList())
                    + " (priority at most " + plan.get().highestPriority() + ", this demand's " + priority + ") on "
                    + unit.unitId());
        } else {
            // cannot happen (the room was counted); the victims are placed again below all the same
            LOG.warn("demand={} preempted {} on {} but does not fit there: {}", record.demandId(), plan.get().victims(),
                    unit.unitId(), on.detail());
            reject(attempt, ReasonCode.NO_CAPACITY, on.detail(), on.breakdown());
        }
        // placed again first, before any demand waiting here, here or on the one task whose summary shows room (not
        // round every task: the fleet is full); an allocation once preempted never preempts
        for (final Allocation victim : evicted) {
            decide(victim, waiting.journey(victim, true));
        }
        LOG.debug("demand={} consumer={} preempted {} on {}", record.demandId(), record.consumerId(),
                plan.get().victims().size(), unit.unitId());
        return true;
    }

    /** A gang member placed on {@code unit} as its gang's plan says; {@code note} names the gang. */
    void placeOn(final Allocation record, final Journey journey, final UnitState unit, final Decision decision,
                 final Optional<SlaTerms> sla, final String note) {
        reserve(new Attempt(record, journey, record, List.of()), unit, decision, Choices.cost(decision, record.request()),
                sla, note);
    }

    /** {@code record} refused for {@code reason}, as any demand is (it may wait, when its wait limit lets it). */
    void refuse(final Allocation record, final Journey journey, final ReasonCode reason, final String detail) {
        reject(new Attempt(record, journey, record, List.of()), reason, detail, List.of());
    }

    /** A gang needs {@code need} more of its consumer's limits: {@code record}, one of its members, asks the home. */
    void askLease(final Allocation record, final Journey journey, final LeaseAmount need) {
        askHome(new Attempt(record, journey, record, List.of()), need);
    }

    /** A member of a gang goes to the task where its gang gathers; this task keeps where it went. */
    void toGang(final Allocation record, final Journey journey, final int home) {
        task.log().moved(record, home, List.of());
        task.router().send(home, record.demandId(), new RouteMessage.GangMember(record,
                journey.arrival() == task.self() && journey.pointedTo() == task.self() ? journey.pointingTo(home) : journey));
    }

    /** Whether the consumer may be charged at all: payments off, or the escrow ledger says it has funds. */
    boolean mayPay(final String consumerId) {
        return !task.settings().payments().enabled() || funded(consumerId);
    }

    /** Whether the escrow ledger last said the consumer has money available (never heard of: it has none). */
    private boolean funded(final String consumerId) {
        final Long available = task.stores().funds().get(consumerId);
        return available != null && available > 0;
    }

    /** Reserves {@code unit} for the demand; {@code note}, when not empty, says how room was made (a preemption). */
    private void reserve(final Attempt attempt, final UnitState unit, final Decision decision, final long cost,
                         final Optional<SlaTerms> sla, final String note) {
        final Allocation record = attempt.record();
        final PlaceRequest request = record.request();
        final long now = task.now();
        final long confirmBy = now + task.settings().confirmWithinMillis();
        final String commandId = record.demandId() + ":p" + (record.attempts() + 1);
        final double maxLatency = sla.map(SlaTerms::maxLatencyMillis).orElse(Held.NO_LATENCY_TARGET);
        final double minAvailability = sla.map(SlaTerms::minAvailability).orElse(0.0);
        final List<UnitChange> changes = new ArrayList<>(attempt.released());
        changes.add(task.slice().reserve(unit, new Held(record.demandId(), record.consumerId(), request.capacity(),
                Held.Role.OWNED, false, maxLatency, minAvailability, Held.priorityOf(request.priority())), "RESERVED"));
        task.usage(record.consumerId()).hold(request.capacity(), cost);
        if (record.attempts() > 0) {
            // held capacity before (preempted, or its provisioning failed), maybe on another task
            task.preemptionBudget().arrived(record.consumerId(), now);
        }
        final Placement placement = new Placement(unit.unitId(), unit.providerId(), unit.region(),
                decision.pricePerHourMicros(), cost, commandId, now, confirmBy, 0, 0);
        final boolean again = record.executionFailures() > 0;
        final boolean waited = record.status() == Allocation.Status.WAITING;
        if (waited) {
            waiting.placed(record);
        }
        final String detail = again ? "placed again after provisioning failed on " + record.tried().get(record.tried().size() - 1)
                : record.preemptions() > 0 ? "placed again after " + record.preemptedBy() + " preempted it"
                + (waited ? "; " + waiting.placedDetail(record) : "")
                : waited ? waiting.placedDetail(record) + (note.isEmpty() ? "" : "; " + note) : note;
        task.log().write(attempt.published(), record.edit().status(Allocation.Status.PLACED).placement(placement)
                .attempt().candidates(decision.breakdown()).sla(maxLatency, minAvailability)
                .reason(again ? ReasonCode.EXECUTION_FAILED.name() : "", detail),
                again || record.preemptions() > 0 ? "REPLACED" : "PLACED", changes);
        task.out().command(Commands.of(CommandType.PROVISION, commandId, record.demandId(), record.consumerId(),
                unit.spec(), request.capacity(), null, task.out().money(decision.pricePerHourMicros()), confirmBy, now,
                request.workload()));
        task.deadlines().add(confirmBy, DeadlineQueue.Kind.CONFIRM, record.demandId());
        repoint(attempt);
        LOG.debug("demand={} consumer={} decision=PLACED unit={}", record.demandId(), record.consumerId(), unit.unitId());
    }

    private void reject(final Attempt attempt, final ReasonCode refusal, final String why,
                        final List<Candidate> candidates) {
        final Allocation record = attempt.record();
        if (waiting.waits(record, refusal, !attempt.released().isEmpty())) {
            if (record.status() == Allocation.Status.WAITING) {
                waiting.stillWaiting(record);
            } else {
                waiting.began(task.log().write(attempt.published(), waiting.start(record, why).candidates(candidates),
                        "WAITING", attempt.released()));
                LOG.debug("demand={} consumer={} WAITING detail={}", record.demandId(), record.consumerId(), why);
            }
            repoint(attempt);
            return;
        }
        final ReasonCode reason = WaitingDemands.finalReason(record, refusal);
        final String detail = waiting.finalDetail(record, refusal, why);
        task.waiting().remove(record.demandId());
        // an allocation preempted before had its decision when first placed: it ends EXPIRED
        final Allocation.Status status = WaitingDemands.endStatus(record, reason);
        final Allocation.Builder ended = record.edit().status(status).candidates(candidates).reason(reason.name(), detail);
        if (status == Allocation.Status.REJECTED && record.endedAt() == 0) {
            // never held anything (one preempted before ends EXPIRED, its end already kept): when it was turned away,
            // by which the optimizer's memory of such demand is read back after a restart
            ended.ended(0, task.now());
        }
        task.log().write(attempt.published(), ended, status.name(), attempt.released());
        if (reason == ReasonCode.NO_CAPACITY) {
            task.rejections().note(record.demandId(), record.consumerId(), record.request(), task.now());
        }
        repoint(attempt);
        LOG.debug("demand={} consumer={} decision=REJECTED reason={} detail={}", record.demandId(), record.consumerId(),
                reason, detail);
    }

    /** The demand goes on to the task of {@code target}; this task keeps where it went. */
    private void moveOn(final Attempt attempt, final int target) {
        moveOn(attempt, target, true);
    }

    /** {@code tried}: this task looked for a unit (one it did not look on may get the demand back). */
    private void moveOn(final Attempt attempt, final int target, final boolean tried) {
        final Journey journey = attempt.journey();
        final Allocation leaving = leaving(attempt);
        task.log().moved(leaving, target, List.of());
        final Journey next = tried ? journey.movedOn(task.self()) : journey;
        task.router().send(target, leaving.demandId(), new RouteMessage.Spill(leaving,
                journey.arrival() == task.self() && journey.pointedTo() == task.self() ? next.pointingTo(target) : next));
        if (journey.arrival() == task.self() && journey.triedPartitions().isEmpty() && leaving.executionFailures() == 0) {
            task.out().counters().increment(SPILLED, Map.of());
        }
    }

    private void askHome(final Attempt attempt, final LeaseAmount need) {
        final Allocation leaving = leaving(attempt);
        task.log().keep(leaving);
        if (waits.shouldWait(leaving.consumerId())) {
            waits.add(leaving, attempt.journey());
            return;
        }
        waits.asked(leaving.consumerId());
        task.router().toOwner(leaving.consumerId(), new RouteMessage.LeaseRequest(leaving.consumerId(), task.self(), need,
                leaving, attempt.journey()));
    }

    /**
     * An allocation whose provisioning failed released its unit here: that change is audited
     * (REPLACING) before the allocation leaves to be decided elsewhere or later.
     */
    private Allocation leaving(final Attempt attempt) {
        return attempt.released().isEmpty() ? attempt.record()
                : task.log().write(attempt.published(), attempt.record().edit(), "REPLACING", attempt.released());
    }

    /** The arrival task's record points to the task that first took the demand; tell it where it ended. */
    void repoint(final Allocation record, final Journey journey) {
        repoint(new Attempt(record, journey, record, List.of()));
    }

    private void repoint(final Attempt attempt) {
        final Journey journey = attempt.journey();
        if (journey.arrival() != task.self() && journey.pointedTo() != task.self()) {
            task.router().send(journey.arrival(), attempt.record().demandId(), new RouteMessage.Repoint(
                    attempt.record().demandId(), attempt.record().consumerId(), task.self()));
        }
    }

    private static String quota(final PolicyTerms policy) {
        return policy.maxUnits() == Integer.MAX_VALUE ? "capacity" : "at most " + policy.maxUnits() + " allocations";
    }
}
