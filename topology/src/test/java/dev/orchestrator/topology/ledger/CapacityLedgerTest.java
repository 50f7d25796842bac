package dev.orchestrator.topology.ledger;

import static dev.orchestrator.topology.Fixtures.GB;
import static dev.orchestrator.topology.Fixtures.unit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.DataUnitState;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.lifecycle.OperatorState;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.telemetry.Health;
import org.junit.jupiter.api.Test;

class CapacityLedgerTest {
    private final CapacityLedger ledger = new CapacityLedger(30_000);

    @Test
    void commitsWhatFitsAndRejectsWhatWouldOvercommit() {
        final UnitRecord empty = unit("u1").storageGb(100).record();

        final ReserveOutcome first = ledger.reserve(empty, request("a1", 60), 1_000);
        final ReserveOutcome second = ledger.reserve(first.unit(), request("a2", 50), 1_001);

        assertThat(first.committed()).isTrue();
        assertThat(first.unit().free().storageBytes()).isEqualTo(40 * GB);
        assertThat(first.unit().visibleState()).isEqualTo(DataUnitState.RESERVED);
        assertThat(second.committed()).isFalse();
        assertThat(second.reason()).isEqualTo(ReasonCode.NO_CAPACITY);
        assertThat(second.unit()).isEqualTo(first.unit());
    }

    @Test
    void answersARedeliveredRequestAsTheFirstTime() {
        final ReserveOutcome first = ledger.reserve(unit("u1").storageGb(100).record(), request("a1", 60), 1_000);

        final ReserveOutcome again = ledger.reserve(first.unit(), request("a1", 60), 2_000);

        assertThat(again.committed()).isTrue();
        assertThat(again.unit().used().storageBytes()).isEqualTo(60 * GB);
    }

    @Test
    void rejectsWhenUnitInMaintenanceOrUnhealthy() {
        final UnitRecord maintenance = unit("u1").record().withState(OperatorState.MAINTENANCE);
        final UnitRecord unhealthy = unit("u2").record().withHealth(Health.initial(0, 1).judged(100_000, 10_000));

        assertThat(ledger.reserve(maintenance, request("a1", 1), 0).reason()).isEqualTo(ReasonCode.NO_FEASIBLE_UNIT);
        assertThat(ledger.reserve(unhealthy, request("a1", 1), 0).detail()).contains("unhealthy");
    }

    @Test
    void chargesProRataAndHonoursThePriceCap() {
        // 25 GB of a 100 GB unit at 4.000000/h: 0.25 * 4_000_000 = 1_000_000 micros/h
        final UnitRecord unit = unit("u1").storageGb(100).price(4_000_000).record();

        final ReserveOutcome within = ledger.reserve(unit, capped("a1", 25, 1_000_000), 0);
        final ReserveOutcome over = ledger.reserve(unit, capped("a2", 25, 999_999), 0);

        assertThat(within.reservation().pricePerHourMicros()).isEqualTo(1_000_000);
        assertThat(over.reason()).isEqualTo(ReasonCode.PRICE_CAP_EXCEEDED);
    }

    @Test
    void expiresUnconfirmedReservationsAndEndsConfirmedOnesAfterTheirDuration() {
        UnitRecord unit = ledger.reserve(unit("u1").record(), request("never-confirmed", 1), 0).unit();
        unit = ledger.reserve(unit, new ReserveRequest("timed", "d", "c", "u1", gb(1), Long.MAX_VALUE, 5_000, "k",
                ReserveRequest.NO_LATENCY_TARGET, 0), 0).unit();
        unit = CapacityLedger.confirm(unit, "timed", 1_000).orElseThrow();

        // confirmed at 1_000 with 5_000 ms to run: ends at 6_000; the other lapses at 0 + 30_000
        assertThat(CapacityLedger.due(unit, 5_999)).isEmpty();
        assertThat(CapacityLedger.due(unit, 6_000)).extracting(r -> r.allocationId()).containsExactly("timed");
        assertThat(CapacityLedger.due(unit, 30_000)).extracting(r -> r.allocationId())
                .containsExactlyInAnyOrder("timed", "never-confirmed");
    }

    @Test
    void finishesDecommissioningWhenTheLastAllocationLeaves() {
        final UnitRecord held = ledger.reserve(unit("u1").record(), request("a1", 1), 0).unit()
                .withState(OperatorState.DECOMMISSIONING);

        final UnitRecord released = CapacityLedger.release(held, "a1").orElseThrow();

        assertThat(released.operatorState()).isEqualTo(OperatorState.DECOMMISSIONED);
        assertThat(CapacityLedger.release(released, "a1")).isEmpty();
    }

    @Test
    void sendsEveryoneAwayFromAUnitInMaintenanceButOnlyOnce() {
        UnitRecord unit = ledger.reserve(unit("u1").record(), request("a1", 1), 0).unit();
        unit = ledger.reserve(unit, request("a2", 1), 0).unit().withState(OperatorState.MAINTENANCE);

        final var leaving = CapacityLedger.toMigrate(unit);
        final UnitRecord marked = CapacityLedger.markLeaving(unit, leaving);

        assertThat(leaving).extracting(r -> r.allocationId()).containsExactly("a1", "a2");
        assertThat(CapacityLedger.toMigrate(marked)).isEmpty();
    }

    @Test
    void sendsAwayOnlyTheAllocationsWhoseSlaTheUnitBreaches() {
        final ReserveRequest strict = new ReserveRequest("gold", "d", "c1", "u1", gb(1), Long.MAX_VALUE, 0, "k", 50, 0);
        UnitRecord unit = ledger.reserve(unit("u1").latency(10).record(), strict, 0).unit();
        unit = ledger.reserve(unit, request("plain", 1), 0).unit();
        unit = CapacityLedger.confirm(unit, "gold", 1).orElseThrow();
        unit = CapacityLedger.confirm(unit, "plain", 1).orElseThrow();

        assertThat(CapacityLedger.toMigrate(unit)).isEmpty();
        final UnitRecord slow = unit.withHealth(unit.health().observe(2, 500.0, true).observe(3, 500.0, true));

        assertThat(CapacityLedger.toMigrate(slow)).extracting(r -> r.allocationId()).containsExactly("gold");
    }

    private static Capacity gb(final long gb) {
        return new Capacity(0, 0, gb * GB, 0, null);
    }

    static ReserveRequest request(final String allocation, final long gb) {
        return capped(allocation, gb, Long.MAX_VALUE);
    }

    private static ReserveRequest capped(final String allocation, final long gb, final long cap) {
        return new ReserveRequest(allocation, "d-" + allocation, "c1", "u1", gb(gb), cap, 0, "cmd-" + allocation,
                ReserveRequest.NO_LATENCY_TARGET, 0);
    }
}
