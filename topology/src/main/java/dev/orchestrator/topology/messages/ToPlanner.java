package dev.orchestrator.topology.messages;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Migration bookkeeping for one provider, keyed by the provider's id. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "t")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ToPlanner.Needed.class, name = "needed"),
    @JsonSubTypes.Type(value = ToPlanner.Done.class, name = "done")})
public sealed interface ToPlanner {
    /** An allocation must leave {@code sourceUnitId} of provider {@code providerId}. */
    record Needed(String allocationId, String demandId, String consumerId, String sourceUnitId, String providerId,
                  String reason) implements ToPlanner {
    }

    /** A migration ended, moved or not: its slot is free. */
    record Done(String allocationId, String providerId) implements ToPlanner {
    }
}
