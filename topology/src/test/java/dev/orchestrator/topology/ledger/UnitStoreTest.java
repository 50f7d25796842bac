package dev.orchestrator.topology.ledger;

import static dev.orchestrator.topology.Fixtures.unit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.topology.model.Reservation;
import dev.orchestrator.topology.serde.InternalSerde;
import dev.orchestrator.topology.telemetry.Health;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class UnitStoreTest {
    private static final long LIMIT = 30_000;

    private final KeyValueStore<String, UnitHeader> headers = store("headers", UnitHeader.class);
    private final KeyValueStore<String, Reservation> reservations = store("reservations", Reservation.class);

    @Test
    void aHeartbeatThatChangesNothingIsWrittenBehindAndARestartResumesInsideTheLimit() {
        final UnitStore units = new UnitStore(headers, reservations);
        UnitRecord unit = unit("u1").record().withHealth(Health.initial(0, 5));
        units.put(unit);
        for (long at = 10_000; at <= 60_000; at += 10_000) {
            unit = unit.withHealth(unit.health().observe(at, 5.0, true));
            units.observe(unit, LIMIT / 2);
            // memory always has the newest heartbeat, the stored header trails by less than half the limit
            assertThat(units.get("u1").health().lastHeartbeat()).isEqualTo(at);
            assertThat(at - headers.get("u1").health().lastHeartbeat()).isLessThan(LIMIT / 2);
        }
        // six heartbeats 10 s apart: written at 20, 40 and 60 s, kept in memory only at 10, 30 and 50 s
        assertThat(headers.get("u1").health().lastHeartbeat()).isEqualTo(60_000);

        unit = unit.withHealth(unit.health().observe(70_000, 5.0, true));
        units.observe(unit, LIMIT / 2);
        final UnitStore restarted = new UnitStore(headers, reservations);
        assertThat(restarted.get("u1").health().lastHeartbeat()).isEqualTo(60_000);
        // the next heartbeat, due by 80 s, arrives while the restored one is still fresh
        assertThat(restarted.get("u1").health().judged(80_000, LIMIT).healthy()).isTrue();
    }

    @Test
    void heartbeatsFartherApartThanHalfTheLimitAreAllWritten() {
        final UnitStore units = new UnitStore(headers, reservations);
        UnitRecord unit = unit("u1").record().withHealth(Health.initial(0, 5));
        units.put(unit);
        for (long at = 20_000; at <= 100_000; at += 20_000) {
            unit = unit.withHealth(unit.health().observe(at, 5.0, true));
            units.observe(unit, LIMIT / 2);
            assertThat(headers.get("u1").health().lastHeartbeat()).isEqualTo(at);
        }
    }

    @Test
    void aChangeOfReservationsIsNeverWrittenBehind() {
        final UnitStore units = new UnitStore(headers, reservations);
        final UnitRecord unit = unit("u1").storageGb(100).record().withHealth(Health.initial(0, 5));
        units.put(unit);
        final UnitRecord held = new CapacityLedger(LIMIT).reserve(unit, CapacityLedgerTest.request("a1", 1), 1_000).unit();
        units.observe(held.withHealth(held.health().observe(1_000, 5.0, true)), LIMIT / 2);
        assertThat(new UnitStore(headers, reservations).get("u1").reservations()).containsOnlyKeys("a1");
    }

    private static <V> KeyValueStore<String, V> store(final String name, final Class<V> type) {
        final KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.String(), InternalSerde.of(type)).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }
}
