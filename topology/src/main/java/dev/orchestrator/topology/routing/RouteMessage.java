package dev.orchestrator.topology.routing;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.orchestrator.topology.admission.ConsumerSlice;
import dev.orchestrator.topology.admission.LeaseAmount;
import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.model.PlaceRequest;
import dev.orchestrator.topology.model.PolicyTerms;
import dev.orchestrator.topology.model.SlaTerms;
import java.util.List;

/** What one engine task tells another on the route topic; each kind names who sends it and why. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "t")
@JsonSubTypes({
    @JsonSubTypes.Type(value = RouteMessage.Spill.class, name = "spill"),
    @JsonSubTypes.Type(value = RouteMessage.GangMember.class, name = "gang-member"),
    @JsonSubTypes.Type(value = RouteMessage.GangHandoff.class, name = "gang-handoff"),
    @JsonSubTypes.Type(value = RouteMessage.FundsStatus.class, name = "funds"),
    @JsonSubTypes.Type(value = RouteMessage.ProviderStanding.class, name = "standing"),
    @JsonSubTypes.Type(value = RouteMessage.ReleaseRequest.class, name = "release"),
    @JsonSubTypes.Type(value = RouteMessage.UnitOutcome.class, name = "outcome"),
    @JsonSubTypes.Type(value = RouteMessage.LeaseRequest.class, name = "lease-request"),
    @JsonSubTypes.Type(value = RouteMessage.LeaseGrant.class, name = "lease-grant"),
    @JsonSubTypes.Type(value = RouteMessage.LeaseRecall.class, name = "lease-recall"),
    @JsonSubTypes.Type(value = RouteMessage.LeaseReturn.class, name = "lease-return"),
    @JsonSubTypes.Type(value = RouteMessage.PolicyCopy.class, name = "policy"),
    @JsonSubTypes.Type(value = RouteMessage.SlaCopy.class, name = "sla"),
    @JsonSubTypes.Type(value = RouteMessage.SliceSummary.class, name = "summary"),
    @JsonSubTypes.Type(value = RouteMessage.MigrationNeeded.class, name = "migration-needed"),
    @JsonSubTypes.Type(value = RouteMessage.MigrationStart.class, name = "migration-start"),
    @JsonSubTypes.Type(value = RouteMessage.MigrationDone.class, name = "migration-done"),
    @JsonSubTypes.Type(value = RouteMessage.HostReserve.class, name = "host-reserve"),
    @JsonSubTypes.Type(value = RouteMessage.HostAnswer.class, name = "host-answer"),
    @JsonSubTypes.Type(value = RouteMessage.HostConfirmed.class, name = "host-confirmed"),
    @JsonSubTypes.Type(value = RouteMessage.HostFailed.class, name = "host-failed"),
    @JsonSubTypes.Type(value = RouteMessage.HostRelease.class, name = "host-release"),
    @JsonSubTypes.Type(value = RouteMessage.Handover.class, name = "handover"),
    @JsonSubTypes.Type(value = RouteMessage.HandoverArrived.class, name = "handover-arrived"),
    @JsonSubTypes.Type(value = RouteMessage.Repoint.class, name = "repoint"),
    @JsonSubTypes.Type(value = RouteMessage.Misrouted.class, name = "misrouted")})
public sealed interface RouteMessage {
    /** A demand (or an allocation to place again) that its sender could not place, or could place only dearly. */
    record Spill(Allocation record, Journey journey) implements RouteMessage {
    }

    /** A demand of a gang, on its way to the task its group hashes to, where the gang gathers. */
    record GangMember(Allocation record, Journey journey) implements RouteMessage {
    }

    /**
     * A gathered gang that does not fit on its group's task, handed whole to a task whose summary shows room
     * for it: its members (WAITING), minimum, when it began and its deadline.
     */
    record GangHandoff(String key, int minMembers, long started, long deadline, List<Allocation> members)
            implements RouteMessage {
        public GangHandoff {
            members = members == null ? List.of() : List.copyOf(members);
        }
    }

    /** A RELEASE demand, on its way to the task that holds the allocation of {@code releaseOf}. */
    record ReleaseRequest(String releaseDemandId, String consumerId, String releaseOf, long requestedAt, int hops)
            implements RouteMessage {
    }

    /** An executor's report, sent on to the task that owns the unit. */
    record UnitOutcome(String unitId, String commandId, String allocationId, String status, String endpoint, String error)
            implements RouteMessage {
    }

    /** To a consumer's home: a slice needs {@code need} more of the limits to place {@code record}, which rides along. */
    record LeaseRequest(String consumerId, int from, LeaseAmount need, Allocation record, Journey journey)
            implements RouteMessage {
    }

    /**
     * From the home: the terms, a lease of book {@code generation}, and the demand that asked, back to
     * decide ({@code record} and {@code journey} null for a share handed out unasked after a recall).
     */
    record LeaseGrant(String consumerId, PolicyTerms terms, long generation, LeaseAmount amount, boolean exhausted,
                      Allocation record, Journey journey) implements RouteMessage {
    }

    /** From the home: give back what your lease does not use, and report what you adopted. */
    record LeaseRecall(String consumerId, PolicyTerms terms, long generation, int epoch) implements RouteMessage {
    }

    /** To the home: the answer to a recall. */
    record LeaseReturn(String consumerId, int from, long generation, int epoch, LeaseAmount returned, LeaseAmount adopted)
            implements RouteMessage {
    }

    /** From the home of a consumer to every task: its policy's terms (null: none, no limits). */
    record PolicyCopy(String consumerId, PolicyTerms terms, long generation) implements RouteMessage {
    }

    /** From the home of an SLA to every task: its terms (null: deleted). */
    record SlaCopy(String slaId, SlaTerms terms) implements RouteMessage {
    }

    /** From every task to every other, a few times a second: what its pools can take. */
    record SliceSummary(int from, List<PoolSummary> pools) implements RouteMessage {
        public SliceSummary {
            pools = List.copyOf(pools);
        }
    }

    /** To a provider's home: an allocation on one of its units must move. */
    record MigrationNeeded(String providerId, String allocationId, int owner, String sourceUnitId, String reason,
                           Planned planned) implements RouteMessage {
    }

    /** A move the optimizer planned: the unit of the owner's task it goes to, and why (its gain). */
    record Planned(String targetUnitId, String why) {
        public Planned {
            // the route topic is writable by anyone with access to the cluster: a plan must name its unit
            if (targetUnitId == null || targetUnitId.isEmpty()) {
                throw new IllegalArgumentException("a planned move names no target unit");
            }
            why = why == null ? "" : why;
        }
    }

    /** From a provider's home to the owner: a migration slot is yours. */
    record MigrationStart(String providerId, String allocationId, String sourceUnitId, String reason, Planned planned)
            implements RouteMessage {
    }

    /** To a provider's home: a migration ended, moved or not; its slot is free. */
    record MigrationDone(String providerId, String allocationId) implements RouteMessage {
    }

    /** From an allocation's owner: hold a migration target for it on one of your units and issue the MIGRATE. */
    record HostReserve(String allocationId, int owner, PlaceRequest request, String sourceUnitId, String commandId,
                       double slaMaxLatencyMillis, double slaMinAvailability) implements RouteMessage {
    }

    /** To the owner: the target is held on {@code unitId} (or, when {@code unitId} is empty, none could be). */
    record HostAnswer(String allocationId, String unitId, String providerId, String region, long pricePerHourMicros,
                      long confirmBy, String detail) implements RouteMessage {
    }

    /** To the owner: the executor confirmed the migration target. */
    record HostConfirmed(String allocationId, String unitId, String endpoint) implements RouteMessage {
    }

    /** To the owner: the migration target failed or lapsed and was freed. */
    record HostFailed(String allocationId, String unitId, String detail) implements RouteMessage {
    }

    /** From the owner: free the migration target you hold (the allocation ended). */
    record HostRelease(String allocationId, String unitId, String reason) implements RouteMessage {
    }

    /** From the old owner: the allocation now runs on your unit; it is yours, with its share of the lease. */
    record Handover(Allocation record, ConsumerSlice.Share share, PolicyTerms terms, long generation) implements RouteMessage {
    }

    /** To the old owner: the allocation it handed over has arrived (its lease is counted here now). */
    record HandoverArrived(String allocationId, String consumerId) implements RouteMessage {
    }

    /** To the task a demand arrived on: its allocation is owned by {@code owner} now. */
    record Repoint(String demandId, String consumerId, int owner) implements RouteMessage {
    }

    /**
     * An input record that arrived on a partition other than its key's (its producer did not use
     * Kafka's default partitioner): sent on, as it was written, to the task that owns the key.
     */
    record Misrouted(String topic, String key, byte[] value) implements RouteMessage {
    }

    /**
     * From the escrow ledger to every task: what consumer {@code consumerId} has available, sent when it
     * deposits and whenever it runs out or has funds again, so a task refuses a consumer without funds
     * with INSUFFICIENT_FUNDS before placing (the ledger's lock stays the exact check).
     */
    record FundsStatus(String consumerId, long availableMicros) implements RouteMessage {
    }

    /**
     * From the escrow ledger to every task: a provider's reliability (basis points) after its recent SLA
     * breaches, and whether they make its units ineligible for new placements.
     */
    record ProviderStanding(String providerId, long reliability, boolean ineligible, int recentBreaches)
            implements RouteMessage {
    }
}
