package dev.orchestrator.topology.decision;

import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.topology.EngineSettings;
import dev.orchestrator.topology.StoreNames;
import dev.orchestrator.topology.admission.Admission;
import dev.orchestrator.topology.admission.ConsumerAccount;
import dev.orchestrator.topology.decision.AllocationRecord.Status;
import dev.orchestrator.topology.emit.Counters;
import dev.orchestrator.topology.emit.DeadLetters;
import dev.orchestrator.topology.emit.Nodes;
import dev.orchestrator.topology.emit.Outputs;
import dev.orchestrator.topology.ledger.ReserveRequest;
import dev.orchestrator.topology.messages.ToDecider;
import dev.orchestrator.topology.messages.ToDecider.LedgerReply;
import dev.orchestrator.topology.messages.ToLedger;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.PlaceRequest;
import dev.orchestrator.topology.model.PolicyTerms;
import dev.orchestrator.topology.model.SlaTerms;
import dev.orchestrator.topology.model.UnitKind;
import dev.orchestrator.topology.model.UnitView;
import dev.orchestrator.topology.normalize.InvalidInputException;
import dev.orchestrator.topology.normalize.Normalizer;
import dev.orchestrator.topology.scoring.Decision;
import dev.orchestrator.topology.scoring.Filters;
import dev.orchestrator.topology.scoring.ScoringContext;
import dev.orchestrator.topology.scoring.ScoringPipeline;
import dev.orchestrator.topology.scoring.UnitIndex;
import dev.orchestrator.topology.state.DecodedStore;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision step, keyed by consumer, so one task alone holds a consumer's quotas and budget:
 * admits, scores against the replicated unit view, asks the unit's ledger to reserve, and turns the
 * ledger's answers into decisions, retries, lifecycle updates and migrations.
 */
public final class DecisionProcessor implements Processor<String, Object, Object, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionProcessor.class);
    private static final double MILLIS_PER_HOUR = 3_600_000.0;
    /** Units looked at once the candidate window shows nothing feasible: bounds the work of a rejection. */
    private static final int WIDE_LOOK = 10_000;
    /** Decoded allocations, accounts and policies kept per task: the working set of pending and recent demand. */
    private static final int RECENT_ENTRIES = 50_000;

    private final Normalizer normalizer;
    private final EngineSettings settings;
    private final UnitIndex index;
    private final Topics topics;
    private final ScoringPipeline pipeline = new ScoringPipeline(Filters.ALL);
    private final Counters counters = new Counters();
    private ProcessorContext<Object, Object> context;
    private DecodedStore<AllocationRecord> allocations;
    private DecodedStore<ConsumerAccount> accounts;
    private DecodedStore<PolicyTerms> policies;
    private KeyValueStore<String, SlaTerms> slas;
    private DecisionOutputs out;

    public DecisionProcessor(final Normalizer normalizer, final EngineSettings settings, final UnitIndex index,
                             final Topics topics) {
        this.normalizer = normalizer;
        this.settings = settings;
        this.index = index;
        this.topics = topics;
    }

    @Override
    public void init(final ProcessorContext<Object, Object> context) {
        this.context = context;
        this.allocations = new DecodedStore<>(context.getStateStore(StoreNames.ALLOCATIONS), RECENT_ENTRIES);
        this.accounts = new DecodedStore<>(context.getStateStore(StoreNames.ACCOUNTS), RECENT_ENTRIES);
        this.policies = new DecodedStore<>(context.getStateStore(StoreNames.POLICIES), RECENT_ENTRIES);
        this.slas = context.getStateStore(StoreNames.SLAS);
        this.out = new DecisionOutputs(context, allocations, normalizer, counters);
        counters.flushEvery(context, Duration.ofMillis(settings.metricsIntervalMillis()),
                Nodes.sink(Nodes.DECIDER, Nodes.METRICS));
    }

    @Override
    public void process(final Record<String, Object> record) {
        final Object value = record.value();
        if (record.key() == null && value != null) {
            final String topic = context.recordMetadata().map(m -> m.topic()).orElse(topics.toDecider.name());
            context.forward(DeadLetters.of(context, topic, null, null, ReasonCode.INVALID_INPUT.name(), "key",
                    "a record needs a key", record.timestamp()), Nodes.sink(Nodes.DECIDER, Nodes.DLQ));
        } else if (value instanceof ToDecider.Place place) {
            place(place.request());
        } else if (value instanceof LedgerReply reply) {
            onReply(reply);
        } else if (value instanceof ToDecider.ReleaseDemand release) {
            release(release);
        } else if (value instanceof ToDecider.Migrate migrate) {
            migrate(migrate);
        } else if (value instanceof ToDecider.Refused refused) {
            remember(refused.demandId(), refused.consumerId(), ReasonCode.valueOf(refused.reason()), refused.detail(),
                    refused.requestedAt());
        } else if (value instanceof Policy policy) {
            onPolicy(record, policy);
        } else if (value == null && record.key() != null && fromPolicyTopic()) {
            policies.delete(record.key());
        } else {
            final String topic = context.recordMetadata().map(m -> m.topic()).orElse(topics.toDecider.name());
            context.forward(DeadLetters.of(context, topic, record.key(), null, ReasonCode.INVALID_INPUT.name(),
                    record.key() == null ? "key" : "value", record.key() == null ? "a record needs a key"
                            : "empty record (tombstone) on a stream topic", record.timestamp()),
                    Nodes.sink(Nodes.DECIDER, Nodes.DLQ));
        }
    }

    /** Only the compacted policy topic deletes by tombstone; an empty record on the internal topic is refused. */
    private boolean fromPolicyTopic() {
        return context.recordMetadata().map(m -> m.topic().equals(topics.policy.name())).orElse(false);
    }

    private void onPolicy(final Record<String, Object> record, final Policy policy) {
        try {
            if (!policy.getConsumerId().equals(record.key())) {
                throw new InvalidInputException("key", "the record key must be the consumerId");
            }
            policies.put(record.key(), PolicyTermsMapper.terms(policy, normalizer, settings.regions()));
            LOG.info("policy updated consumer={}", record.key());
        } catch (final InvalidInputException e) {
            final String topic = context.recordMetadata().map(m -> m.topic()).orElse(topics.policy.name());
            context.forward(DeadLetters.of(context, topic, record.key(), topics.policy.valueSerde().serializer().serialize(topic, policy),
                    ReasonCode.INVALID_INPUT.name(), e.field(), e.getMessage(), record.timestamp()), Nodes.sink(Nodes.DECIDER, Nodes.DLQ));
            LOG.info("policy refused consumer={} field={} reason={}", record.key(), e.field(), e.getMessage());
        }
    }

    private void place(final PlaceRequest request) {
        final String key = DecisionOutputs.key(request.consumerId(), request.demandId());
        if (allocations.get(key) != null) {
            return;
        }
        final AllocationRecord fresh = new AllocationRecord(request.demandId(), request.consumerId(), Status.PENDING,
                request, "", "", "", 0, 0, 0, List.of(), "", 0, List.of(), null, 0, 0, "", "");
        final PolicyTerms policy = policy(request.consumerId());
        final ConsumerAccount account = account(request.consumerId(), policy);
        final Optional<ReasonCode> refusal = Admission.refusal(policy, account, request.capacity());
        if (refusal.isPresent()) {
            reject(fresh, refusal.get(), Admission.quotaProblem(policy, account, request.capacity())
                    .orElse("budget for this period is spent"), List.of());
            return;
        }
        if (!request.slaId().isEmpty() && slas.get(request.slaId()) == null) {
            reject(fresh, ReasonCode.SLA_UNSATISFIABLE, "unknown SLA " + request.slaId(), List.of());
            return;
        }
        attempt(fresh, policy, account);
    }

    /** Scores and asks the best unit's ledger; rejects when no unit is left to try. */
    private void attempt(final AllocationRecord record, final PolicyTerms policy, final ConsumerAccount account) {
        final PlaceRequest request = record.request();
        final Optional<SlaTerms> sla = request.slaId().isEmpty() ? Optional.empty() : Optional.ofNullable(slas.get(request.slaId()));
        final ScoringContext scoring = new ScoringContext(request, policy, sla, new HashSet<>(record.tried()),
                Admission.budgetLeft(policy, account));
        final List<UnitView> candidates = candidates(request, policy);
        Decision decision = pipeline.decide(scoring, candidates);
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
        accounts.put(request.consumerId(), account.hold(request.capacity(), cost));
        if (record.replacing()) {
            // placed before, so audited: the move to another unit is a change of its own
            out.save(record, pending, "RESERVING");
        } else {
            allocations.put(DecisionOutputs.key(request.consumerId(), request.demandId()), pending);
        }
        index.hold(unit.unitId(), request.demandId(), request.capacity());
        out.toLedger(unit.unitId(), new ToLedger.Reserve(reserveRequest(pending, unit.unitId(), "p" + pending.attempts(),
                policy, sla), null));
    }

    private void onReply(final LedgerReply reply) {
        final String key = DecisionOutputs.key(reply.consumerId(), reply.demandId());
        final AllocationRecord record = allocations.get(key);
        if (record == null) {
            LOG.warn("ledger reply for unknown allocation={} consumer={}", reply.allocationId(), reply.consumerId());
            return;
        }
        if (reply.type() == ToDecider.ReplyType.COMMITTED) {
            index.committed(reply.unitId(), reply.allocationId(), reply.unitVersion());
        } else if (reply.type() == ToDecider.ReplyType.REJECTED) {
            index.released(reply.unitId(), reply.allocationId());
        }
        if (record.migrating() && record.migratingTo().equals(reply.unitId())) {
            onMigrationReply(record, reply);
            return;
        }
        switch (reply.type()) {
            case COMMITTED -> {
                if (record.status() != Status.PENDING || !record.unitId().equals(reply.unitId())) {
                    return;
                }
                final AllocationRecord placed = record.placed(reply.providerId(), reply.region(), reply.pricePerHourMicros());
                out.save(record, placed, "PLACED");
                // the same decision, moved: a status of its own, so a consumer counting decisions counts one
                final var result = out.placedResult(placed, placed.replacing() ? AllocationStatus.REPLACED
                        : AllocationStatus.PLACED);
                if (placed.replacing()) {
                    result.setReason(ReasonCode.EXECUTION_FAILED).setReasonDetail("placed again after provisioning failed on "
                            + placed.tried().get(placed.tried().size() - 1));
                }
                out.publish(result.build());
            }
            case REJECTED -> {
                if (record.status() != Status.PENDING || !record.unitId().equals(reply.unitId())) {
                    return;
                }
                final PolicyTerms policy = policy(record.consumerId());
                final ConsumerAccount account = account(record.consumerId(), policy)
                        .settle(record.request().capacity(), record.costMicros(), 0);
                accounts.put(record.consumerId(), account);
                final AllocationRecord retry = record.triedAndFailed(reply.unitId());
                counters.increment("stale_reservations_total", Map.of("reason", reply.reason()));
                if (retry.attempts() >= settings.maxAttempts()) {
                    reject(retry, retry.replacing() ? ReasonCode.EXECUTION_FAILED : ReasonCode.NO_CAPACITY,
                            "ledger refused " + retry.tried() + ": " + reply.detail(),
                            record.candidates());
                } else {
                    attempt(retry, policy, account);
                }
            }
            case CONFIRMED -> {
                if (!record.unitId().equals(reply.unitId()) || !record.holdsCapacity()) {
                    return;
                }
                final AllocationRecord active = record.active(reply.endpoint());
                out.save(record, active, "ACTIVE");
                out.publish(out.placedResult(active, AllocationStatus.ACTIVE).build());
            }
            case FAILED -> {
                if (record.status() == Status.PLACED && record.unitId().equals(reply.unitId())) {
                    replace(record, reply);
                } else {
                    ended(record, reply);
                }
            }
            case RELEASED, EXPIRED -> ended(record, reply);
        }
    }

    /**
     * Provisioning failed before the allocation was ever active: the demand is placed again on another
     * unit, up to {@code maxAttempts} failed placements, then rejected with EXECUTION_FAILED.
     */
    private void replace(final AllocationRecord record, final LedgerReply reply) {
        index.released(reply.unitId(), reply.allocationId());
        final PolicyTerms policy = policy(record.consumerId());
        final ConsumerAccount account = account(record.consumerId(), policy)
                .settle(record.request().capacity(), record.costMicros(), 0);
        accounts.put(record.consumerId(), account);
        final AllocationRecord retry = out.save(record, record.executionFailed(reply.unitId()), "EXECUTION_FAILED");
        counters.increment("execution_failures_total", Map.of("provider", record.providerId()));
        LOG.info("provisioning failed demand={} unit={} failures={}: {}", record.demandId(), reply.unitId(),
                retry.executionFailures(), reply.detail());
        if (retry.executionFailures() >= settings.maxAttempts()) {
            reject(retry, ReasonCode.EXECUTION_FAILED, "provisioning failed on " + retry.tried() + ": " + reply.detail(),
                    record.candidates());
        } else {
            attempt(retry, policy, account);
        }
    }

    private void ended(final AllocationRecord record, final LedgerReply reply) {
        final long spent = (long) Math.ceil(reply.pricePerHourMicros() * (reply.elapsedMillis() / MILLIS_PER_HOUR));
        final PolicyTerms policy = policy(record.consumerId());
        ConsumerAccount account = account(record.consumerId(), policy);
        if (!record.unitId().equals(reply.unitId()) || !record.holdsCapacity()) {
            // the old unit of a migrated allocation: only the time spent there is billed
            accounts.put(record.consumerId(), account.charge(spent));
            return;
        }
        account = account.settle(record.request().capacity(), record.costMicros(), spent);
        accounts.put(record.consumerId(), account);
        final Status status = reply.type() == ToDecider.ReplyType.RELEASED ? Status.RELEASED
                : reply.type() == ToDecider.ReplyType.EXPIRED ? Status.EXPIRED : Status.FAILED;
        final AllocationRecord ended = record.with(status);
        out.save(record, ended, status.name());
        final ReasonCode reason = reply.type() == ToDecider.ReplyType.FAILED ? ReasonCode.EXECUTION_FAILED
                : reply.type() == ToDecider.ReplyType.EXPIRED ? ReasonCode.RESERVATION_EXPIRED : ReasonCode.NONE;
        out.publish(out.placedResult(ended, reply.type() == ToDecider.ReplyType.RELEASED ? AllocationStatus.RELEASED
                : AllocationStatus.EXPIRED).setReason(reason).setReasonDetail(reply.detail().isEmpty() ? reply.reason()
                : reply.detail()).build());
    }

    private void release(final ToDecider.ReleaseDemand release) {
        final AllocationRecord target = allocations.get(DecisionOutputs.key(release.consumerId(), release.releaseOf()));
        final long now = context.currentSystemTimeMs();
        if (target == null || !target.holdsCapacity()) {
            final String detail = "no live allocation for demand " + release.releaseOf();
            remember(release.demandId(), release.consumerId(), ReasonCode.ALLOCATION_NOT_FOUND, detail, release.requestedAt());
            out.publish(Outputs.rejected(release.demandId(), release.consumerId(), ReasonCode.ALLOCATION_NOT_FOUND,
                    detail, now));
            counters.increment("decisions_total", Map.of("status", "REJECTED", "reason", "ALLOCATION_NOT_FOUND"));
            return;
        }
        out.toLedger(target.unitId(), new ToLedger.Release(target.demandId(), "RELEASED", false));
        if (target.migrating()) {
            out.toLedger(target.migratingTo(), new ToLedger.Release(target.demandId(), "RELEASED", false));
        }
        allocations.put(DecisionOutputs.key(release.consumerId(), release.demandId()), new AllocationRecord(release.demandId(),
                release.consumerId(), Status.RELEASE_DEMAND, target.request(), target.unitId(), "", "", 0, 0, 0,
                List.of(), "", 0, List.of(), null, 0, 0, "", ""));
        out.publish(Outputs.result(release.demandId(), release.consumerId(), AllocationStatus.RELEASED, ReasonCode.NONE, now)
                .setAllocationId(target.demandId()).setDataUnitId(target.unitId()).build());
        counters.increment("decisions_total", Map.of("status", "RELEASED", "reason", "NONE"));
    }

    /** Keeps a demand rejected without a placement attempt, so reading it shows the reason. */
    private void remember(final String demandId, final String consumerId, final ReasonCode reason, final String detail,
                          final long requestedAt) {
        final String key = DecisionOutputs.key(consumerId, demandId);
        if (allocations.get(key) != null) {
            return;
        }
        final PlaceRequest nothing = new PlaceRequest(demandId, consumerId, UnitKind.STORAGE, Capacity.ZERO, List.of(),
                Long.MAX_VALUE, "", 0, requestedAt);
        allocations.put(key, new AllocationRecord(demandId, consumerId, Status.REJECTED, nothing, "", "", "", 0, 0, 0,
                List.of(), "", 0, List.of(), null, 0, 0, reason.name(), detail));
    }

    private void migrate(final ToDecider.Migrate migrate) {
        final AllocationRecord record = allocations.get(DecisionOutputs.key(migrate.consumerId(), migrate.demandId()));
        if (record == null || !record.holdsCapacity() || record.status() == Status.PENDING || record.migrating()
                || !record.unitId().equals(migrate.sourceUnitId())) {
            out.planner(migrate.providerId(), migrate.allocationId());
            return;
        }
        tryMigration(record, Set.of(migrate.sourceUnitId()));
    }

    private void tryMigration(final AllocationRecord record, final Set<String> excluded) {
        final PolicyTerms policy = policy(record.consumerId());
        final PlaceRequest request = record.request();
        final Optional<SlaTerms> sla = request.slaId().isEmpty() ? Optional.empty() : Optional.ofNullable(slas.get(request.slaId()));
        final Set<String> skip = new HashSet<>(excluded);
        skip.add(record.unitId());
        final ScoringContext scoring = new ScoringContext(request, policy, sla, skip, Long.MAX_VALUE);
        final Decision decision = pipeline.decide(scoring, candidates(request, policy));
        if (decision.chosen().isEmpty() || record.migrationAttempts() >= settings.maxAttempts()) {
            LOG.info("migration found no target allocation={} from={} reason={}", record.demandId(), record.unitId(),
                    decision.rejection());
            counters.increment("migrations_total", Map.of("result", "NO_TARGET"));
            final AllocationRecord stays = record.migratingTo("");
            out.save(record, stays, "MIGRATION_FAILED");
            out.planner(record.providerId(), record.demandId());
            return;
        }
        final String target = decision.chosen().get().unitId();
        final AllocationRecord moving = record.migratingTo(target);
        out.save(record, moving, "MIGRATING");
        index.hold(target, record.demandId(), request.capacity());
        out.toLedger(target, new ToLedger.Reserve(reserveRequest(moving, target, "m" + moving.migrationAttempts(), policy, sla),
                record.unitId()));
    }

    private void onMigrationReply(final AllocationRecord record, final LedgerReply reply) {
        switch (reply.type()) {
            case COMMITTED -> out.publish(out.placedResult(record, AllocationStatus.MIGRATING)
                    .setDataUnitId(reply.unitId()).setProviderId(reply.providerId()).setRegion(reply.region()).build());
            case REJECTED -> tryMigration(record, Set.of(reply.unitId()));
            case CONFIRMED -> {
                out.toLedger(record.unitId(), new ToLedger.Release(record.demandId(), "MIGRATED", true));
                final AllocationRecord moved = record.movedTo(reply.unitId(), reply.providerId(), reply.region(),
                        reply.pricePerHourMicros()).active(reply.endpoint());
                out.save(record, moved, "MIGRATED");
                out.publish(out.placedResult(moved, AllocationStatus.ACTIVE).build());
                counters.increment("migrations_total", Map.of("result", "MIGRATED"));
                out.planner(record.providerId(), record.demandId());
            }
            default -> {
                final AllocationRecord stays = record.migratingTo("");
                out.save(record, stays, "MIGRATION_FAILED");
                counters.increment("migrations_total", Map.of("result", "FAILED"));
                out.planner(record.providerId(), record.demandId());
            }
        }
    }

    private List<UnitView> candidates(final PlaceRequest request, final PolicyTerms policy) {
        return index.candidates(request.kind(), scope(request, policy), request.kind().primary(request.capacity()),
                policy.spread(), settings.candidatesPerRegion());
    }

    /** The regions to look in: the demand's, else the policy's, else all (empty). */
    private static Set<String> scope(final PlaceRequest request, final PolicyTerms policy) {
        return request.regions().isEmpty() ? policy.allowedRegions() : Set.copyOf(request.regions());
    }

    private ReserveRequest reserveRequest(final AllocationRecord record, final String unitId, final String attempt,
                                          final PolicyTerms policy, final Optional<SlaTerms> sla) {
        final PlaceRequest request = record.request();
        return new ReserveRequest(request.demandId(), request.demandId(), request.consumerId(), unitId,
                request.capacity(), Math.min(request.maxPriceMicros(), policy.maxPriceMicros()), request.durationMillis(),
                request.demandId() + ":" + attempt, sla.map(SlaTerms::maxLatencyMillis).orElse(ReserveRequest.NO_LATENCY_TARGET),
                sla.map(SlaTerms::minAvailability).orElse(0.0));
    }

    private void reject(final AllocationRecord record, final ReasonCode reason, final String detail,
                        final List<Candidate> candidates) {
        final AllocationRecord rejected = new AllocationRecord(record.demandId(), record.consumerId(), Status.REJECTED,
                record.request(), "", "", "", 0, 0, record.attempts(), record.tried(), "", 0, candidates, null,
                record.auditSequence(), record.executionFailures(), reason.name(), detail);
        out.save(record, rejected, "REJECTED");
        LOG.debug("demand={} consumer={} decision=REJECTED reason={} detail={}", record.demandId(), record.consumerId(),
                reason, detail);
        out.publish(Outputs.result(record.demandId(), record.consumerId(), AllocationStatus.REJECTED, reason,
                        context.currentSystemTimeMs()).setReasonDetail(detail).setAttempts(Math.max(1, record.attempts()))
                .setCandidates(candidates.stream().map(Candidate::toAvro).toList()).build());
    }

    private PolicyTerms policy(final String consumerId) {
        return Objects.requireNonNullElse(policies.get(consumerId), PolicyTerms.UNLIMITED);
    }

    private ConsumerAccount account(final String consumerId, final PolicyTerms policy) {
        final long now = context.currentSystemTimeMs();
        return Objects.requireNonNullElse(accounts.get(consumerId), ConsumerAccount.empty(now))
                .rolled(now, policy.budgetPeriodMillis());
    }
}
