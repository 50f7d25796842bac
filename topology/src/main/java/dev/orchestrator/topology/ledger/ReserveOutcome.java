package dev.orchestrator.topology.ledger;

import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.model.Reservation;

/** The ledger's answer to a reservation: committed with what it holds, or rejected with why. */
public record ReserveOutcome(boolean committed, ReasonCode reason, String detail, Reservation reservation,
                             UnitRecord unit) {
    static ReserveOutcome committed(final Reservation reservation, final UnitRecord unit) {
        return new ReserveOutcome(true, ReasonCode.NONE, "", reservation, unit);
    }

    static ReserveOutcome rejected(final ReasonCode reason, final String detail, final UnitRecord unit) {
        return new ReserveOutcome(false, reason, detail, null, unit);
    }
}
