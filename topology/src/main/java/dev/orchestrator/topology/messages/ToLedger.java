package dev.orchestrator.topology.messages;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.orchestrator.topology.ledger.ReserveRequest;

/** What the ledger of one unit is asked to do, keyed by the unit's id. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "t")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ToLedger.Reserve.class, name = "reserve"),
    @JsonSubTypes.Type(value = ToLedger.Release.class, name = "release"),
    @JsonSubTypes.Type(value = ToLedger.Outcome.class, name = "outcome")})
public sealed interface ToLedger {
    /** Hold capacity; {@code migrateFrom} names the unit left behind when this is a migration target. */
    record Reserve(ReserveRequest request, String migrateFrom) implements ToLedger {
    }

    /** Free an allocation's capacity; {@code quiet} when an executor already removed it (after a MIGRATE). */
    record Release(String allocationId, String reason, boolean quiet) implements ToLedger {
    }

    /** An executor's report on a command for this unit. */
    record Outcome(String commandId, String allocationId, String status, String endpoint, String error)
            implements ToLedger {
    }
}
