package dev.orchestrator.topology.ledger;

import dev.orchestrator.avro.DataUnitState;
import dev.orchestrator.topology.lifecycle.OperatorState;
import dev.orchestrator.topology.lifecycle.UnitLifecycle;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.Reservation;
import dev.orchestrator.topology.model.UnitSpec;
import dev.orchestrator.topology.telemetry.Health;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** The ledger's whole knowledge of one unit: spec, lifecycle, health and every reservation on it. */
public record UnitRecord(UnitSpec spec, OperatorState operatorState, Map<String, Reservation> reservations,
                         Health health, long auditSequence) {
    /** The class of the read-only sorted maps this record keeps, which are safe to share. */
    private static final Class<?> FROZEN = Collections.unmodifiableSortedMap(new TreeMap<>()).getClass();

    public UnitRecord {
        // a record made from another (new health, state, audit sequence) shares its map: no copy per heartbeat
        if (reservations.getClass() != FROZEN) {
            reservations = Collections.unmodifiableSortedMap(new TreeMap<>(reservations));
        }
    }

    public Capacity used() {
        Capacity used = Capacity.ZERO;
        for (final Reservation reservation : reservations.values()) {
            used = used.plus(reservation.capacity());
        }
        return used;
    }

    public Capacity free() {
        final Capacity used = used();
        final Capacity total = spec.capacity();
        return new Capacity(Math.max(0, total.cpuMillis() - used.cpuMillis()),
                Math.max(0, total.memoryBytes() - used.memoryBytes()),
                Math.max(0, total.storageBytes() - used.storageBytes()),
                Math.max(0, total.gpuCount() - used.gpuCount()), total.gpuType());
    }

    public DataUnitState visibleState() {
        final boolean confirmed = reservations.values().stream().anyMatch(Reservation::confirmed);
        return UnitLifecycle.visible(operatorState, confirmed, !reservations.isEmpty());
    }

    /** Whether a new placement may land here at all, before looking at capacity. */
    public boolean allocatable() {
        return UnitLifecycle.acceptsPlacements(operatorState) && health.healthy();
    }

    public UnitRecord withReservations(final Map<String, Reservation> next) {
        return new UnitRecord(spec, UnitLifecycle.afterRelease(operatorState, !next.isEmpty()), next, health, auditSequence);
    }

    public UnitRecord withState(final OperatorState next) {
        return new UnitRecord(spec, next, reservations, health, auditSequence);
    }

    public UnitRecord withHealth(final Health next) {
        return new UnitRecord(spec, operatorState, reservations, next, auditSequence);
    }

    public UnitRecord withSpec(final UnitSpec next) {
        return new UnitRecord(next, operatorState, reservations, health, auditSequence);
    }

    /** The next audit sequence number of this unit, with the record that remembers it. */
    public UnitRecord audited() {
        return new UnitRecord(spec, operatorState, reservations, health, auditSequence + 1);
    }
}
