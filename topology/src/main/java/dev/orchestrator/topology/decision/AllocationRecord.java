package dev.orchestrator.topology.decision;

import dev.orchestrator.topology.model.PlaceRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * The decision step's memory of one demand: where its allocation is, what it costs, what was tried.
 * {@code costMicros} is the up-front cost held against the budget; {@code migratingTo} names the
 * unit a migration is reserving, empty otherwise. {@code executionFailures} counts placements whose
 * provisioning failed, so a re-placement is told apart from the first decision. {@code reason} and
 * {@code reasonDetail} say why a demand was rejected (empty otherwise), so the read API can tell.
 */
public record AllocationRecord(String demandId, String consumerId, Status status, PlaceRequest request, String unitId,
                               String providerId, String region, long pricePerHourMicros, long costMicros,
                               int attempts, List<String> tried, String migratingTo, int migrationAttempts,
                               List<Candidate> candidates, String endpoint, long auditSequence,
                               int executionFailures, String reason, String reasonDetail) {
    /** Where an allocation is in its life; PLACED and REJECTED are the decisions. */
    public enum Status { PENDING, PLACED, ACTIVE, REJECTED, RELEASED, EXPIRED, FAILED, RELEASE_DEMAND }

    public AllocationRecord {
        // records written before the reason was kept read back without one
        reason = reason == null ? "" : reason;
        reasonDetail = reasonDetail == null ? "" : reasonDetail;
        tried = List.copyOf(tried);
        candidates = List.copyOf(candidates);
    }

    public boolean holdsCapacity() {
        return status == Status.PENDING || status == Status.PLACED || status == Status.ACTIVE;
    }

    public boolean migrating() {
        return !migratingTo.isEmpty();
    }

    public AllocationRecord with(final Status next) {
        return new AllocationRecord(demandId, consumerId, next, request, unitId, providerId, region, pricePerHourMicros,
                costMicros, attempts, tried, migratingTo, migrationAttempts, candidates, endpoint, auditSequence, executionFailures, reason, reasonDetail);
    }

    public AllocationRecord pending(final String unit, final long price, final long cost, final List<Candidate> explained) {
        return new AllocationRecord(demandId, consumerId, Status.PENDING, request, unit, providerId, region, price, cost,
                attempts + 1, tried, migratingTo, migrationAttempts, explained, endpoint, auditSequence, executionFailures, reason, reasonDetail);
    }

    public AllocationRecord placed(final String provider, final String where, final long price) {
        return new AllocationRecord(demandId, consumerId, Status.PLACED, request, unitId, provider, where, price,
                costMicros, attempts, tried, migratingTo, migrationAttempts, candidates, endpoint, auditSequence, executionFailures, reason, reasonDetail);
    }

    public AllocationRecord triedAndFailed(final String unit) {
        final List<String> all = new ArrayList<>(tried);
        all.add(unit);
        return new AllocationRecord(demandId, consumerId, status, request, "", providerId, region, 0, 0, attempts, all,
                migratingTo, migrationAttempts, candidates, endpoint, auditSequence, executionFailures, reason, reasonDetail);
    }

    /** The placement on {@code unit} could not be provisioned: as {@link #triedAndFailed}, counted as an execution failure. */
    public AllocationRecord executionFailed(final String unit) {
        final AllocationRecord tried = triedAndFailed(unit);
        return new AllocationRecord(demandId, consumerId, Status.PENDING, request, "", providerId, region, 0, 0, attempts,
                tried.tried(), "", migrationAttempts, candidates, null, auditSequence, executionFailures + 1, reason, reasonDetail);
    }

    public boolean replacing() {
        return executionFailures > 0;
    }

    public AllocationRecord migratingTo(final String target) {
        return new AllocationRecord(demandId, consumerId, status, request, unitId, providerId, region, pricePerHourMicros,
                costMicros, attempts, tried, target, target.isEmpty() ? migrationAttempts : migrationAttempts + 1,
                candidates, endpoint, auditSequence, executionFailures, reason, reasonDetail);
    }

    public AllocationRecord movedTo(final String target, final String provider, final String where, final long price) {
        return new AllocationRecord(demandId, consumerId, Status.ACTIVE, request, target, provider, where, price,
                costMicros, attempts, tried, "", migrationAttempts, candidates, endpoint, auditSequence, executionFailures, reason, reasonDetail);
    }

    public AllocationRecord active(final String reachedAt) {
        return new AllocationRecord(demandId, consumerId, Status.ACTIVE, request, unitId, providerId, region,
                pricePerHourMicros, costMicros, attempts, tried, migratingTo, migrationAttempts, candidates,
                reachedAt == null ? endpoint : reachedAt, auditSequence, executionFailures, reason, reasonDetail);
    }

    public AllocationRecord withAuditSequence(final long sequence) {
        return new AllocationRecord(demandId, consumerId, status, request, unitId, providerId, region, pricePerHourMicros,
                costMicros, attempts, tried, migratingTo, migrationAttempts, candidates, endpoint, sequence, executionFailures, reason, reasonDetail);
    }
}
