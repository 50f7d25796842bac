package dev.orchestrator.topology.emit;

import dev.orchestrator.avro.AllocationChange;
import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.DataUnitState;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.ledger.UnitChange;
import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.model.Candidate;
import dev.orchestrator.topology.model.Placement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The decision records of allocations.v1 built from the engine's allocation records: the record's
 * fields are the allocation after the change, {@code change} says which change it was and what it
 * left, and {@code unitChanges} are the units' audited changes it made.
 */
public final class Decisions {
    private Decisions() {
    }

    /** The status consumers see for an allocation record; null before its first decision. */
    public static AllocationStatus visible(final Allocation allocation) {
        if (allocation == null) {
            return null;
        }
        if (allocation.holdsCapacity() && allocation.migration() != null && allocation.migration().reserved()) {
            return AllocationStatus.MIGRATING;
        }
        return switch (allocation.status()) {
            case PENDING -> null;
            // placed again after a failed provisioning or a preemption: the same decision, moved
            case PLACED -> allocation.executionFailures() > 0 || allocation.preemptions() > 0 ? AllocationStatus.REPLACED
                    : AllocationStatus.PLACED;
            case ACTIVE -> AllocationStatus.ACTIVE;
            case REJECTED -> AllocationStatus.REJECTED;
            case RELEASED -> AllocationStatus.RELEASED;
            case EXPIRED -> AllocationStatus.EXPIRED;
            case REPLACING -> AllocationStatus.REPLACING;
            case WAITING -> AllocationStatus.WAITING;
            case PREEMPTED -> AllocationStatus.PREEMPTED;
        };
    }

    /**
     * Whether {@code result} is a demand's decision, of which each demand has exactly one: an
     * allocation's first change (PLACED or REJECTED), its first change after WAITING (a demand that
     * waited for capacity is decided when it is placed or its wait ends), or a RELEASE demand's answer
     * (which changes no allocation of its own). WAITING is not a decision; later changes (ACTIVE,
     * MIGRATING, REPLACED after a failed provisioning, RELEASED, EXPIRED) follow one. Records without
     * {@code change} (written before it existed) are judged by their status.
     */
    public static boolean isDecision(final AllocationResult result) {
        if (result.getChange() != null) {
            if (result.getStatus() == AllocationStatus.WAITING) {
                return false;
            }
            return result.getChange().getSequence() == 1 || result.getChange().getPreviousStatus() == AllocationStatus.WAITING
                    && (result.getStatus() == AllocationStatus.PLACED || result.getStatus() == AllocationStatus.REJECTED);
        }
        if (result.getReason() == ReasonCode.EXECUTION_FAILED) {
            return false;
        }
        return result.getStatus() == AllocationStatus.PLACED || result.getStatus() == AllocationStatus.REJECTED
                || result.getStatus() == AllocationStatus.RELEASED && result.getAllocationId() != null
                && !result.getAllocationId().equals(result.getDemandId());
    }

    /** The record of {@code after}, the allocation's change number {@code after.auditSequence()} from {@code before}. */
    public static AllocationResult of(final Allocation before, final Allocation after, final String action,
                                      final List<UnitChange> units, final Emitter out) {
        final AllocationStatus status = visible(after);
        final Placement placement = after.placement();
        final AllocationResult.Builder result = AllocationResult.newBuilder().setDemandId(after.demandId())
                .setConsumerId(after.consumerId()).setStatus(status)
                .setReason(after.reason().isEmpty() ? ReasonCode.NONE : ReasonCode.valueOf(after.reason()))
                .setReasonDetail(after.reasonDetail().isEmpty() ? null : after.reasonDetail())
                .setAttempts(Math.max(1, after.attempts()))
                .setCandidates(after.candidates().stream().map(Candidate::toAvro).toList())
                .setDecidedAt(Instant.ofEpochMilli(out.now()))
                .setChange(new AllocationChange(after.auditSequence(), action, visible(before),
                        before == null || before.unitId().isEmpty() ? null : before.unitId()))
                .setUnitChanges(avro(units));
        // a preempted allocation waiting to be placed again keeps its last placement (for the ledger), not shown
        if (placement != null && status != AllocationStatus.REJECTED && status != AllocationStatus.WAITING) {
            result.setAllocationId(after.demandId()).setDataUnitId(placement.unitId()).setProviderId(placement.providerId())
                    .setRegion(placement.region()).setCapacity(Outputs.capacity(after.request().capacity()))
                    .setPricePerHour(out.money(placement.pricePerHourMicros())).setEndpoint(after.endpoint());
            if (status == AllocationStatus.MIGRATING) {
                result.setDataUnitId(after.migration().targetUnit()).setProviderId(after.migration().targetProvider())
                        .setRegion(after.migration().targetRegion());
            }
        }
        return result.build();
    }

    /** A RELEASE demand's answer: its decision, naming the allocation it released (or why it could not). */
    public static AllocationResult releaseAnswer(final String demandId, final String consumerId, final String releaseOf,
                                                 final String unitId, final ReasonCode reason, final String detail,
                                                 final Emitter out) {
        final AllocationResult.Builder result = Outputs.result(demandId, consumerId,
                reason == ReasonCode.NONE ? AllocationStatus.RELEASED : AllocationStatus.REJECTED, reason, out.now())
                .setReasonDetail(detail == null || detail.isEmpty() ? null : detail);
        if (reason == ReasonCode.NONE) {
            result.setAllocationId(releaseOf).setDataUnitId(unitId);
        }
        return result.build();
    }

    private static List<dev.orchestrator.avro.UnitChange> avro(final List<UnitChange> units) {
        final List<dev.orchestrator.avro.UnitChange> out = new ArrayList<>(units.size());
        for (final UnitChange change : units) {
            out.add(new dev.orchestrator.avro.UnitChange(change.unitId(), change.sequence(), change.action(),
                    state(change.stateBefore()), change.healthyBefore(), state(change.stateAfter()),
                    Outputs.capacity(change.usedBefore()), Outputs.capacity(change.usedAfter()),
                    Outputs.capacity(change.capacity())));
        }
        return out;
    }

    private static DataUnitState state(final DataUnitState state) {
        return state == null ? DataUnitState.UNKNOWN : state;
    }
}
