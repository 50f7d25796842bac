package dev.orchestrator.topology.decision;

import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.EngineSettings;
import dev.orchestrator.topology.admission.ConsumerAccount;
import dev.orchestrator.topology.decision.AllocationRecord.Status;
import dev.orchestrator.topology.emit.Counters;
import dev.orchestrator.topology.messages.ToDecider;
import dev.orchestrator.topology.messages.ToDecider.LedgerReply;
import dev.orchestrator.topology.model.PolicyTerms;
import dev.orchestrator.topology.scoring.UnitIndex;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A unit's ledger answered: the reservation committed or was refused (retry elsewhere), the executor
 * confirmed or failed it (re-place), or it ended; the allocation, the account and the results follow.
 */
final class LedgerReplies {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerReplies.class);
    private static final double MILLIS_PER_HOUR = 3_600_000.0;

    private final EngineSettings settings;
    private final UnitIndex index;
    private final ConsumerBooks books;
    private final PlacementAttempts attempts;
    private final Migrations migrations;
    private final DecisionOutputs out;
    private final Counters counters;

    LedgerReplies(final EngineSettings settings, final UnitIndex index, final ConsumerBooks books,
                  final PlacementAttempts attempts, final Migrations migrations, final DecisionOutputs out,
                  final Counters counters) {
        this.settings = settings;
        this.index = index;
        this.books = books;
        this.attempts = attempts;
        this.migrations = migrations;
        this.out = out;
        this.counters = counters;
    }

    void onReply(final LedgerReply reply) {
        final AllocationRecord record = books.allocation(reply.consumerId(), reply.demandId());
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
            migrations.onReply(record, reply);
            return;
        }
        switch (reply.type()) {
            case COMMITTED -> committed(record, reply);
            case REJECTED -> refused(record, reply);
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

    private void committed(final AllocationRecord record, final LedgerReply reply) {
        if (record.status() != Status.PENDING || !record.unitId().equals(reply.unitId())) {
            return;
        }
        final AllocationRecord placed = record.placed(reply.providerId(), reply.region(), reply.pricePerHourMicros());
        out.save(record, placed, "PLACED");
        // the same decision, moved: a status of its own, so a consumer counting decisions counts one
        final var result = out.placedResult(placed, placed.replacing() ? AllocationStatus.REPLACED : AllocationStatus.PLACED);
        if (placed.replacing()) {
            result.setReason(ReasonCode.EXECUTION_FAILED).setReasonDetail("placed again after provisioning failed on "
                    + placed.tried().get(placed.tried().size() - 1));
        }
        out.publish(result.build());
    }

    /** The ledger refused the reservation (the view was stale): the hold is returned and the next unit tried. */
    private void refused(final AllocationRecord record, final LedgerReply reply) {
        if (record.status() != Status.PENDING || !record.unitId().equals(reply.unitId())) {
            return;
        }
        final PolicyTerms policy = books.policy(record.consumerId());
        final ConsumerAccount account = books.account(record.consumerId(), policy)
                .settle(record.request().capacity(), record.costMicros(), 0);
        books.putAccount(record.consumerId(), account);
        final AllocationRecord retry = record.triedAndFailed(reply.unitId());
        counters.increment("stale_reservations_total", Map.of("reason", reply.reason()));
        if (retry.attempts() >= settings.maxAttempts()) {
            attempts.reject(retry, retry.replacing() ? ReasonCode.EXECUTION_FAILED : ReasonCode.NO_CAPACITY,
                    "ledger refused " + retry.tried() + ": " + reply.detail(), record.candidates());
        } else {
            attempts.attempt(retry, policy, account);
        }
    }

    /**
     * Provisioning failed before the allocation was ever active: the demand is placed again on another
     * unit, up to {@code maxAttempts} failed placements, then rejected with EXECUTION_FAILED.
     */
    private void replace(final AllocationRecord record, final LedgerReply reply) {
        index.released(reply.unitId(), reply.allocationId());
        final PolicyTerms policy = books.policy(record.consumerId());
        final ConsumerAccount account = books.account(record.consumerId(), policy)
                .settle(record.request().capacity(), record.costMicros(), 0);
        books.putAccount(record.consumerId(), account);
        final AllocationRecord retry = out.save(record, record.executionFailed(reply.unitId()), "EXECUTION_FAILED");
        counters.increment("execution_failures_total", Map.of("provider", record.providerId()));
        LOG.info("provisioning failed demand={} unit={} failures={}: {}", record.demandId(), reply.unitId(),
                retry.executionFailures(), reply.detail());
        if (retry.executionFailures() >= settings.maxAttempts()) {
            attempts.reject(retry, ReasonCode.EXECUTION_FAILED, "provisioning failed on " + retry.tried() + ": "
                    + reply.detail(), record.candidates());
        } else {
            attempts.attempt(retry, policy, account);
        }
    }

    private void ended(final AllocationRecord record, final LedgerReply reply) {
        final long spent = (long) Math.ceil(reply.pricePerHourMicros() * (reply.elapsedMillis() / MILLIS_PER_HOUR));
        final PolicyTerms policy = books.policy(record.consumerId());
        ConsumerAccount account = books.account(record.consumerId(), policy);
        if (!record.unitId().equals(reply.unitId()) || !record.holdsCapacity()) {
            // the old unit of a migrated allocation: only the time spent there is billed
            books.putAccount(record.consumerId(), account.charge(spent));
            return;
        }
        account = account.settle(record.request().capacity(), record.costMicros(), spent);
        books.putAccount(record.consumerId(), account);
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
}
