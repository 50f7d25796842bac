package dev.orchestrator.topology.ledger;

import dev.orchestrator.topology.StoreNames;
import dev.orchestrator.topology.model.Reservation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The ledger's units: decoded in memory for reads, persisted as one small header per unit plus one
 * entry per reservation ({@code unitId|allocationId}). A busy unit holds hundreds of reservations;
 * writing its whole record on every reservation made the cost of a placement grow with the unit's
 * load, and the profile showed that encoding as the stream thread's largest cost. Now a change writes
 * the header and only the reservations that changed. A task's ledger is the stores' only writer, and
 * it builds a new UnitStore in {@code init}, which Streams calls again after restoring the stores.
 */
public final class UnitStore {
    private final KeyValueStore<String, UnitHeader> headers;
    private final KeyValueStore<String, Reservation> reservations;
    private final Map<String, UnitRecord> units;
    /** The heartbeat each unit's stored header holds, which may trail the one in memory. */
    private final Map<String, Long> storedHeartbeats = new HashMap<>();

    public UnitStore(final KeyValueStore<String, UnitHeader> headers, final KeyValueStore<String, Reservation> reservations) {
        this.headers = headers;
        this.reservations = reservations;
        this.units = readAll(headers, reservations);
        units.forEach((unitId, unit) -> storedHeartbeats.put(unitId, unit.health().lastHeartbeat()));
    }

    /** Every unit the two stores hold, rebuilt from headers and reservations. */
    public static Map<String, UnitRecord> readAll(final KeyValueStore<String, UnitHeader> headers,
                                                  final KeyValueStore<String, Reservation> reservations) {
        final Map<String, Map<String, Reservation>> byUnit = new HashMap<>();
        try (KeyValueIterator<String, Reservation> it = reservations.all()) {
            it.forEachRemaining(entry -> byUnit.computeIfAbsent(unitOf(entry.key, entry.value), u -> new TreeMap<>())
                    .put(entry.value.allocationId(), entry.value));
        }
        final Map<String, UnitRecord> all = new LinkedHashMap<>();
        try (KeyValueIterator<String, UnitHeader> it = headers.all()) {
            it.forEachRemaining(entry -> all.put(entry.key, new UnitRecord(entry.value.spec(), entry.value.operatorState(),
                    byUnit.getOrDefault(entry.key, Map.of()), entry.value.health(), entry.value.auditSequence())));
        }
        return all;
    }

    public UnitRecord get(final String unitId) {
        return units.get(unitId);
    }

    /** Stores {@code unit}: its header, and the reservations added, changed or removed since the last put. */
    public void put(final UnitRecord unit) {
        final String unitId = unit.spec().unitId();
        final UnitRecord before = units.get(unitId);
        final Map<String, Reservation> old = before == null ? Map.of() : before.reservations();
        headers.put(unitId, UnitHeader.of(unit));
        units.put(unitId, unit);
        storedHeartbeats.put(unitId, unit.health().lastHeartbeat());
        if (unit.reservations() == old) {
            // a change of health or state only: the reservations are the very same map
            return;
        }
        unit.reservations().forEach((allocationId, reservation) -> {
            if (old.get(allocationId) != reservation && !reservation.equals(old.get(allocationId))) {
                reservations.put(key(unitId, allocationId), reservation);
            }
        });
        old.keySet().forEach(allocationId -> {
            if (!unit.reservations().containsKey(allocationId)) {
                reservations.delete(key(unitId, allocationId));
            }
        });
    }

    /**
     * A heartbeat that changed nothing anyone filters on: kept in memory, and written behind, only once
     * the stored heartbeat is {@code writeBehindMillis} older than this one. With half the heartbeat
     * limit that is safe for any heartbeat interval: heartbeats farther apart than that are all written;
     * closer ones leave the stored copy less than half a limit behind, and the next one comes within
     * another half, so a restarted ledger never judges a live unit silent.
     */
    public void observe(final UnitRecord unit, final long writeBehindMillis) {
        final String unitId = unit.spec().unitId();
        final Long stored = storedHeartbeats.get(unitId);
        if (stored == null || unit.reservations() != units.get(unitId).reservations()
                || unit.health().lastHeartbeat() - stored >= writeBehindMillis) {
            put(unit);
        } else {
            units.put(unitId, unit);
        }
    }

    /** Every unit id, copied so the caller may write while it walks them. */
    public List<String> unitIds() {
        return new ArrayList<>(units.keySet());
    }

    private static String key(final String unitId, final String allocationId) {
        return StoreNames.reservationKey(unitId, allocationId);
    }

    /** The unit part of a reservation key; ids may contain '|', so cut by the allocation id's length. */
    private static String unitOf(final String key, final Reservation reservation) {
        return key.substring(0, key.length() - reservation.allocationId().length() - 1);
    }
}
