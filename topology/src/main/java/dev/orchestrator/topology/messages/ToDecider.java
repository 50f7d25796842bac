package dev.orchestrator.topology.messages;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.orchestrator.topology.model.PlaceRequest;

/** What the decision step of one consumer is told, keyed by the consumer's id. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "t")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ToDecider.Place.class, name = "place"),
    @JsonSubTypes.Type(value = ToDecider.ReleaseDemand.class, name = "release"),
    @JsonSubTypes.Type(value = ToDecider.LedgerReply.class, name = "reply"),
    @JsonSubTypes.Type(value = ToDecider.Migrate.class, name = "migrate"),
    @JsonSubTypes.Type(value = ToDecider.Refused.class, name = "refused")})
public sealed interface ToDecider {
    record Place(PlaceRequest request) implements ToDecider {
    }

    /** A RELEASE demand for the allocation of {@code releaseOf}. */
    record ReleaseDemand(String demandId, String consumerId, String releaseOf, long requestedAt) implements ToDecider {
    }

    /**
     * The ledger's news about an allocation: see {@link ReplyType}. {@code elapsedMillis} is how long
     * a released allocation ran; {@code unitVersion} the version of the unit's view that shows it.
     */
    record LedgerReply(ReplyType type, String allocationId, String demandId, String consumerId, String unitId,
                       String providerId, String region, long pricePerHourMicros, String reason, String detail,
                       String endpoint, long elapsedMillis, long unitVersion) implements ToDecider {
    }

    /** Move an allocation away from {@code sourceUnitId}, which no longer serves it well. */
    record Migrate(String allocationId, String demandId, String consumerId, String sourceUnitId, String providerId,
                   String reason)
            implements ToDecider {
    }

    /**
     * A demand refused at intake (already answered REJECTED there): the decision step keeps it, so
     * reading the demand shows why instead of "not decided yet".
     */
    record Refused(String demandId, String consumerId, String reason, String detail, long requestedAt) implements ToDecider {
    }

    /** Kinds of ledger news. */
    enum ReplyType { COMMITTED, REJECTED, CONFIRMED, RELEASED, EXPIRED, FAILED }
}
