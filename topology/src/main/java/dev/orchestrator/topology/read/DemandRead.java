package dev.orchestrator.topology.read;

import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.model.Candidate;
import dev.orchestrator.topology.model.Placement;
import java.util.List;

/**
 * A demand and where it stands: its status (PENDING, WAITING, PLACED, ACTIVE, REJECTED, RELEASED,
 * EXPIRED, REPLACING), why it was rejected, where it is placed and at what price, a migration's target,
 * the units it failed on, the candidates its decision weighed, and until when it waits for capacity
 * ({@code waitUntil}, epoch ms; 0 when it never waited).
 */
public record DemandRead(String demandId, String consumerId, String status, String reason, String reasonDetail,
                         String unitId, String providerId, String region, CapacityRead capacity, long pricePerHourMicros,
                         long costMicros, int attempts, String migratingTo, String endpoint, List<String> tried,
                         List<CandidateRead> candidates, String releasedBy, long waitUntil) {
    /** Every status a demand can show, for validating filters. */
    public static final List<String> STATUSES = java.util.Arrays.stream(Allocation.Status.values()).map(Enum::name).toList();

    public static DemandRead of(final Allocation allocation) {
        final Placement placement = allocation.placement();
        final boolean placed = placement != null && allocation.status() != Allocation.Status.REJECTED;
        return new DemandRead(allocation.demandId(), allocation.consumerId(), allocation.status().name(),
                allocation.reason().isEmpty() ? null : allocation.reason(),
                allocation.reasonDetail().isEmpty() ? null : allocation.reasonDetail(),
                placed ? placement.unitId() : "", placed ? placement.providerId() : "", placed ? placement.region() : "",
                CapacityRead.of(allocation.request().capacity()), placed ? placement.pricePerHourMicros() : 0,
                placed ? placement.costMicros() : 0, allocation.attempts(),
                allocation.migration() == null ? "" : allocation.migration().targetUnit(), allocation.endpoint(),
                allocation.tried(), allocation.candidates().stream().map(DemandRead::candidate).toList(),
                allocation.releasedBy().isEmpty() ? null : allocation.releasedBy(), allocation.waitUntil());
    }

    private static CandidateRead candidate(final Candidate candidate) {
        return new CandidateRead(candidate.unitId(), candidate.total(), candidate.contributions(), candidate.filteredBy());
    }
}
