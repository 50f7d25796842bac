package dev.orchestrator.topology.decision;

import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.EngineSettings;
import dev.orchestrator.topology.admission.Admission;
import dev.orchestrator.topology.admission.ConsumerAccount;
import dev.orchestrator.topology.decision.AllocationRecord.Status;
import dev.orchestrator.topology.emit.Outputs;
import dev.orchestrator.topology.ledger.ReserveRequest;
import dev.orchestrator.topology.messages.ToLedger;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.PlaceRequest;
import dev.orchestrator.topology.model.PolicyTerms;
import dev.orchestrator.topology.model.SlaTerms;
import dev.orchestrator.topology.model.UnitKind;
import dev.orchestrator.topology.model.UnitView;
import dev.orchestrator.topology.scoring.Decision;
import dev.orchestrator.topology.scoring.Filters;
import dev.orchestrator.topology.scoring.ScoringContext;
import dev.orchestrator.topology.scoring.ScoringPipeline;
import dev.orchestrator.topology.scoring.UnitIndex;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Admits a demand, scores the units in its scope, holds the best one and asks its ledger to reserve; or rejects. */
final class PlacementAttempts {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementAttempts.class);
    /** Units looked at once the candidate window shows nothing feasible: bounds the work of a rejection. */
    private static final int WIDE_LOOK = 10_000;

    private final ScoringPipeline pipeline = new ScoringPipeline(Filters.ALL);
    private final EngineSettings settings;
    private final UnitIndex index;
    private final ConsumerBooks books;
    private final DecisionOutputs out;

    PlacementAttempts(final EngineSettings settings, final UnitIndex index, final ConsumerBooks books,
                      final DecisionOutputs out) {
        this.settings = settings;
        this.index = index;
        this.books = books;
        this.out = out;
    }

    void place(final PlaceRequest request) {
        if (books.allocation(request.consumerId(), request.demandId()) != null) {
            return;
        }
        final AllocationRecord fresh = new AllocationRecord(request.demandId(), request.consumerId(), Status.PENDING,
                request, "", "", "", 0, 0, 0, List.of(), "", 0, List.of(), null, 0, 0, "", "");
        final PolicyTerms policy = books.policy(request.consumerId());
        final ConsumerAccount account = books.account(request.consumerId(), policy);
        final Optional<ReasonCode> refusal = Admission.refusal(policy, account, request.capacity());
        if (refusal.isPresent()) {
            reject(fresh, refusal.get(), Admission.quotaProblem(policy, account, request.capacity())
                    .orElse("budget for this period is spent"), List.of());
            return;
        }
        if (!request.slaId().isEmpty() && books.sla(request.slaId()).isEmpty()) {
            reject(fresh, ReasonCode.SLA_UNSATISFIABLE, "unknown SLA " + request.slaId(), List.of());
            return;
        }
        attempt(fresh, policy, account);
    }

    /** Scores and asks the best unit's ledger; rejects when no unit is left to try. */
    void attempt(final AllocationRecord record, final PolicyTerms policy, final ConsumerAccount account) {
        final PlaceRequest request = record.request();
        final Optional<SlaTerms> sla = books.sla(request.slaId());
        final ScoringContext scoring = new ScoringContext(request, policy, sla, new HashSet<>(record.tried()),
                Admission.budgetLeft(policy, account));
        Decision decision = pipeline.decide(scoring, candidates(request, policy));
        if (decision.chosen().isEmpty()) {
            // the window showed nothing feasible: look once at every unit in scope, full ones included,
            // so a fitting unit past the window is found and a rejection names the constraint that binds
            decision = pipeline.decide(scoring, index.all(request.kind(), scope(request, policy), WIDE_LOOK));
        }
        if (decision.chosen().isEmpty()) {
            final ReasonCode reason = record.replacing() ? ReasonCode.EXECUTION_FAILED
                    : record.tried().isEmpty() ? decision.rejection() : ReasonCode.NO_CAPACITY;
            reject(record, reason, record.replacing() ? "provisioning failed on " + record.tried() + " and no other unit fits: "
                    + decision.detail() : decision.detail(), Candidate.of(decision.breakdown()));
            return;
        }
        final UnitView unit = decision.chosen().get();
        final long cost = (long) Math.ceil(decision.pricePerHourMicros() * scoring.billedHours());
        final AllocationRecord pending = record.pending(unit.unitId(), decision.pricePerHourMicros(), cost,
                Candidate.of(decision.breakdown()));
        books.putAccount(request.consumerId(), account.hold(request.capacity(), cost));
        if (record.replacing()) {
            // placed before, so audited: the move to another unit is a change of its own
            out.save(record, pending, "RESERVING");
        } else {
            books.putAllocation(pending);
        }
        index.hold(unit.unitId(), request.demandId(), request.capacity());
        out.toLedger(unit.unitId(), new ToLedger.Reserve(reserveRequest(pending, unit.unitId(), "p" + pending.attempts(),
                policy, sla), null));
    }

    /** The best unit for {@code record} other than {@code skip}, with no budget limit: where a migration goes. */
    Decision bestElsewhere(final AllocationRecord record, final PolicyTerms policy, final Optional<SlaTerms> sla,
                           final Set<String> skip) {
        final PlaceRequest request = record.request();
        return pipeline.decide(new ScoringContext(request, policy, sla, skip, Long.MAX_VALUE),
                candidates(request, policy));
    }

    private List<UnitView> candidates(final PlaceRequest request, final PolicyTerms policy) {
        return index.candidates(request.kind(), scope(request, policy), request.kind().primary(request.capacity()),
                policy.spread(), settings.candidatesPerRegion());
    }

    /** The regions to look in: the demand's, else the policy's, else all (empty). */
    private static Set<String> scope(final PlaceRequest request, final PolicyTerms policy) {
        return request.regions().isEmpty() ? policy.allowedRegions() : Set.copyOf(request.regions());
    }

    /** What the unit's ledger is asked to reserve for {@code record}; {@code attempt} makes the command id unique. */
    ReserveRequest reserveRequest(final AllocationRecord record, final String unitId, final String attempt,
                                  final PolicyTerms policy, final Optional<SlaTerms> sla) {
        final PlaceRequest request = record.request();
        return new ReserveRequest(request.demandId(), request.demandId(), request.consumerId(), unitId,
                request.capacity(), Math.min(request.maxPriceMicros(), policy.maxPriceMicros()), request.durationMillis(),
                request.demandId() + ":" + attempt, sla.map(SlaTerms::maxLatencyMillis).orElse(ReserveRequest.NO_LATENCY_TARGET),
                sla.map(SlaTerms::minAvailability).orElse(0.0));
    }

    void reject(final AllocationRecord record, final ReasonCode reason, final String detail, final List<Candidate> candidates) {
        final AllocationRecord rejected = new AllocationRecord(record.demandId(), record.consumerId(), Status.REJECTED,
                record.request(), "", "", "", 0, 0, record.attempts(), record.tried(), "", 0, candidates, null,
                record.auditSequence(), record.executionFailures(), reason.name(), detail);
        out.save(record, rejected, "REJECTED");
        LOG.debug("demand={} consumer={} decision=REJECTED reason={} detail={}", record.demandId(), record.consumerId(),
                reason, detail);
        out.publish(Outputs.result(record.demandId(), record.consumerId(), AllocationStatus.REJECTED, reason, books.now())
                .setReasonDetail(detail).setAttempts(Math.max(1, record.attempts()))
                .setCandidates(candidates.stream().map(Candidate::toAvro).toList()).build());
    }

    /** Keeps a demand rejected without a placement attempt, so reading it shows the reason. */
    void remember(final String demandId, final String consumerId, final ReasonCode reason, final String detail,
                  final long requestedAt) {
        if (books.allocation(consumerId, demandId) != null) {
            return;
        }
        final PlaceRequest nothing = new PlaceRequest(demandId, consumerId, UnitKind.STORAGE, Capacity.ZERO, List.of(),
                Long.MAX_VALUE, "", 0, requestedAt);
        books.putAllocation(new AllocationRecord(demandId, consumerId, Status.REJECTED, nothing, "", "", "", 0, 0, 0,
                List.of(), "", 0, List.of(), null, 0, 0, reason.name(), detail));
    }
}
