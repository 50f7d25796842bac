package dev.orchestrator.topology.ledger;

import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.messages.ToDecider;
import dev.orchestrator.topology.messages.ToDecider.ReplyType;
import dev.orchestrator.topology.messages.ToLedger;
import dev.orchestrator.topology.model.Reservation;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A unit's reservations through their life: reserved against exact capacity (or refused), confirmed
 * or failed by the executor's outcome, released; each change answered to the deciding task.
 */
final class ReservationKeeper {
    private final CapacityLedger ledger;
    private final UnitStore units;
    private final LedgerOutputs out;

    ReservationKeeper(final CapacityLedger ledger, final UnitStore units, final LedgerOutputs out) {
        this.ledger = ledger;
        this.units = units;
        this.out = out;
    }

    void reserve(final ToLedger.Reserve reserve) {
        final ReserveRequest request = reserve.request();
        final UnitRecord current = units.get(request.unitId());
        if (current == null) {
            out.reply(request.consumerId(), new ToDecider.LedgerReply(ReplyType.REJECTED, request.allocationId(),
                    request.demandId(), request.consumerId(), request.unitId(), "", "", 0,
                    ReasonCode.UNIT_NOT_FOUND.name(), "unit " + request.unitId() + " is not registered", null, 0, 0));
            return;
        }
        final boolean known = current.reservations().containsKey(request.allocationId());
        final ReserveOutcome outcome = ledger.reserve(current, request, out.now());
        if (!outcome.committed()) {
            out.reply(request.consumerId(), new ToDecider.LedgerReply(ReplyType.REJECTED, request.allocationId(),
                    request.demandId(), request.consumerId(), request.unitId(), current.spec().providerId(),
                    current.spec().region(), 0, outcome.reason().name(), outcome.detail(), null, 0, 0));
            return;
        }
        long version = current.auditSequence();
        if (!known) {
            version = out.save(current, outcome.unit(), "RESERVED", "allocation/" + request.allocationId()).auditSequence();
            out.command(reserve.migrateFrom() == null ? CommandType.PROVISION : CommandType.MIGRATE,
                    outcome.reservation(), outcome.unit(), reserve.migrateFrom(), outcome.reservation().commandId());
        }
        out.reply(request.consumerId(), new ToDecider.LedgerReply(ReplyType.COMMITTED, request.allocationId(),
                request.demandId(), request.consumerId(), request.unitId(), current.spec().providerId(),
                current.spec().region(), outcome.reservation().pricePerHourMicros(), ReasonCode.NONE.name(), "", null,
                0, version));
    }

    /** Frees the allocation's capacity; {@code quiet} when nothing is to be deprovisioned (a migration's old unit). */
    void release(final String unitId, final String allocationId, final String reason, final boolean quiet) {
        final UnitRecord current = units.get(unitId);
        if (current == null || !current.reservations().containsKey(allocationId)) {
            return;
        }
        final Reservation reservation = current.reservations().get(allocationId);
        final UnitRecord next = CapacityLedger.release(current, allocationId).orElseThrow();
        out.save(current, next, "RELEASED", "allocation/" + allocationId);
        if (!quiet) {
            out.command(CommandType.DEPROVISION, reservation, next, null, allocationId + ":deprovision:" + unitId);
        }
        final ReplyType type = ReasonCode.RESERVATION_EXPIRED.name().equals(reason) ? ReplyType.EXPIRED : ReplyType.RELEASED;
        out.reply(reservation.consumerId(), new ToDecider.LedgerReply(type, allocationId, reservation.demandId(),
                reservation.consumerId(), unitId, current.spec().providerId(), current.spec().region(),
                reservation.pricePerHourMicros(), reason, "", null, reservation.runMillis(out.now()), 0));
    }

    void outcome(final Record<String, Object> record, final ToLedger.Outcome outcome) {
        final String unitId = record.key();
        final UnitRecord current = units.get(unitId);
        if (current == null) {
            out.deadLetter(record, ReasonCode.UNIT_NOT_FOUND, "dataUnitId", "outcome of command " + outcome.commandId()
                    + " names unit " + unitId + ", which is not registered");
            return;
        }
        final Reservation reservation = current.reservations().get(outcome.allocationId());
        if (reservation == null) {
            if (outcome.status().equals("PROVISIONED") || outcome.status().equals("MIGRATED")) {
                out.orphan(current, outcome);
            }
            return;
        }
        if (!outcome.status().equals("DEPROVISIONED") && !outcome.commandId().equals(reservation.commandId())) {
            // only the command that made the reservation can confirm or fail it
            out.deadLetter(record, ReasonCode.INVALID_INPUT, "commandId", "command " + outcome.commandId()
                    + " was never issued for allocation " + outcome.allocationId() + " on unit " + unitId);
            return;
        }
        switch (outcome.status()) {
            case "PROVISIONED", "MIGRATED" -> CapacityLedger.confirm(current, outcome.allocationId(), out.now()).ifPresent(next -> {
                out.save(current, next, "CONFIRMED", "command/" + outcome.commandId());
                out.reply(reservation.consumerId(), new ToDecider.LedgerReply(ReplyType.CONFIRMED, outcome.allocationId(),
                        reservation.demandId(), reservation.consumerId(), unitId, current.spec().providerId(),
                        current.spec().region(), reservation.pricePerHourMicros(), ReasonCode.NONE.name(), "",
                        outcome.endpoint(), 0, 0));
            });
            case "FAILED" -> {
                final UnitRecord next = CapacityLedger.release(current, outcome.allocationId()).orElseThrow();
                out.save(current, next, "EXECUTION_FAILED", "command/" + outcome.commandId());
                out.reply(reservation.consumerId(), new ToDecider.LedgerReply(ReplyType.FAILED, outcome.allocationId(),
                        reservation.demandId(), reservation.consumerId(), unitId, current.spec().providerId(),
                        current.spec().region(), reservation.pricePerHourMicros(), ReasonCode.EXECUTION_FAILED.name(),
                        String.valueOf(outcome.error()), null, 0, 0));
            }
            default -> {
                // DEPROVISIONED: the capacity was freed when the release was decided
            }
        }
    }
}
