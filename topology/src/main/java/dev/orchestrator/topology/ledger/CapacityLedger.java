package dev.orchestrator.topology.ledger;

import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.lifecycle.OperatorState;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.Prices;
import dev.orchestrator.topology.model.Reservation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rules of the capacity ledger, the only writer of a unit's capacity: a reservation commits only
 * if the unit takes placements, is healthy, has the capacity free and is within the price cap.
 */
public final class CapacityLedger {
    private final long confirmWithinMillis;

    /** {@code confirmWithinMillis}: how long a reservation may wait for an executor's confirmation. */
    public CapacityLedger(final long confirmWithinMillis) {
        this.confirmWithinMillis = confirmWithinMillis;
    }

    public ReserveOutcome reserve(final UnitRecord unit, final ReserveRequest request, final long now) {
        final Reservation existing = unit.reservations().get(request.allocationId());
        if (existing != null) {
            // a redelivered request: the first answer stands
            return ReserveOutcome.committed(existing, unit);
        }
        if (!unit.allocatable()) {
            return ReserveOutcome.rejected(ReasonCode.NO_FEASIBLE_UNIT,
                    "unit " + unit.spec().unitId() + " is " + (unit.health().healthy() ? unit.visibleState() : "unhealthy"), unit);
        }
        if (!unit.free().covers(request.capacity())) {
            return ReserveOutcome.rejected(ReasonCode.NO_CAPACITY, "unit " + unit.spec().unitId() + " has too little free", unit);
        }
        final long price = priceFor(unit, request.capacity());
        if (price > request.maxPricePerHourMicros()) {
            return ReserveOutcome.rejected(ReasonCode.PRICE_CAP_EXCEEDED, "unit " + unit.spec().unitId() + " costs "
                    + price + " micros/h", unit);
        }
        final Reservation reservation = new Reservation(request.allocationId(), request.demandId(), request.consumerId(),
                request.capacity(), price, request.durationMillis(), now, now + confirmWithinMillis, 0, 0, false,
                request.commandId(), request.slaMaxLatencyMillis(), request.slaMinAvailability(), false);
        final Map<String, Reservation> next = new TreeMap<>(unit.reservations());
        next.put(reservation.allocationId(), reservation);
        return ReserveOutcome.committed(reservation, unit.withReservations(next));
    }

    private static long priceFor(final UnitRecord unit, final Capacity wanted) {
        return Prices.proRata(unit.spec().pricePerHourMicros(), unit.spec().capacity(), wanted);
    }

    /** Frees an allocation's capacity; empty when the unit holds no such allocation. */
    public static java.util.Optional<UnitRecord> release(final UnitRecord unit, final String allocationId) {
        if (!unit.reservations().containsKey(allocationId)) {
            return java.util.Optional.empty();
        }
        final Map<String, Reservation> next = new TreeMap<>(unit.reservations());
        next.remove(allocationId);
        return java.util.Optional.of(unit.withReservations(next));
    }

    /** Marks a reservation provisioned; empty when it is unknown or already confirmed. */
    public static java.util.Optional<UnitRecord> confirm(final UnitRecord unit, final String allocationId, final long now) {
        final Reservation reservation = unit.reservations().get(allocationId);
        if (reservation == null || reservation.confirmed()) {
            return java.util.Optional.empty();
        }
        final Map<String, Reservation> next = new TreeMap<>(unit.reservations());
        next.put(allocationId, reservation.confirmed(now));
        return java.util.Optional.of(unit.withReservations(next));
    }

    /**
     * Allocations that should leave this unit and have not been sent away yet: all of them when the
     * unit takes no placements (maintenance, decommissioning, silent), otherwise those whose SLA the
     * unit's health no longer meets.
     */
    public static List<Reservation> toMigrate(final UnitRecord unit) {
        final List<Reservation> leaving = new ArrayList<>();
        for (final Reservation reservation : unit.reservations().values()) {
            if (reservation.leaving()) {
                continue;
            }
            final boolean unitGone = !unit.allocatable() && unit.operatorState() != OperatorState.DECOMMISSIONED;
            final boolean breached = reservation.confirmed() && reservation.hasSla()
                    && !unit.health().meets(reservation.slaMaxLatencyMillis(), reservation.slaMinAvailability());
            if (unitGone || breached) {
                leaving.add(reservation);
            }
        }
        return leaving;
    }

    /** Marks allocations as on their way out, so they are not sent away twice. */
    public static UnitRecord markLeaving(final UnitRecord unit, final List<Reservation> leaving) {
        final Map<String, Reservation> next = new TreeMap<>(unit.reservations());
        leaving.forEach(r -> next.put(r.allocationId(), r.markedLeaving()));
        return new UnitRecord(unit.spec(), unit.operatorState(), next, unit.health(), unit.auditSequence());
    }

    /** Reservations whose confirmation is overdue or whose duration has run out at {@code now}. */
    public static List<Reservation> due(final UnitRecord unit, final long now) {
        final List<Reservation> due = new ArrayList<>();
        for (final Reservation reservation : unit.reservations().values()) {
            final boolean unconfirmedTooLong = !reservation.confirmed() && now >= reservation.confirmBy();
            final boolean ended = reservation.confirmed() && reservation.endsAt() > 0 && now >= reservation.endsAt();
            if (unconfirmedTooLong || ended) {
                due.add(reservation);
            }
        }
        return due;
    }
}
