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

class SliceTest {
    private final Slice slice = new Slice();

    @Test
    void holdsWhatFitsAndRefusesWhatWouldOvercommit() {
        final UnitState unit = unit("u1").storageGb(100).in(slice);

        final UnitChange first = slice.reserve(unit, held("a1", 60), "RESERVED");

        assertThat(first.usedBefore().storageBytes()).isZero();
        assertThat(first.usedAfter().storageBytes()).isEqualTo(60 * GB);
        assertThat(first.stateBefore()).isEqualTo(DataUnitState.AVAILABLE);
        assertThat(first.stateAfter()).isEqualTo(DataUnitState.RESERVED);
        assertThat(unit.free().storageBytes()).isEqualTo(40 * GB);
        assertThat(CapacityLedger.refusal(unit, gb(50), Long.MAX_VALUE))
                .hasValueSatisfying(r -> assertThat(r.reason()).isEqualTo(ReasonCode.NO_CAPACITY));
        assertThat(CapacityLedger.refusal(unit, gb(40), Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void numbersEveryAuditedChangeOfAUnitFromOne() {
        final UnitState unit = unit("u1").in(slice);

        final long reserved = slice.reserve(unit, held("a1", 1), "RESERVED").sequence();
        final UnitChange confirmed = slice.confirm(unit, "a1");
        final long released = slice.release(unit, "a1", "RELEASED").sequence();

        // registration was 1; a confirmation that makes the unit IN_USE is a change of its own
        assertThat(reserved).isEqualTo(2);
        assertThat(confirmed.sequence()).isEqualTo(3);
        assertThat(confirmed.stateAfter()).isEqualTo(DataUnitState.IN_USE);
        assertThat(released).isEqualTo(4);
        assertThat(unit.sequence()).isEqualTo(4);
    }

    @Test
    void aConfirmationThatChangesNothingVisibleIsNotAudited() {
        final UnitState unit = unit("u1").in(slice);
        slice.reserve(unit, held("a1", 1), "RESERVED");
        slice.reserve(unit, held("a2", 1), "RESERVED");
        slice.confirm(unit, "a1");

        assertThat(slice.confirm(unit, "a2")).isNull();
        assertThat(unit.held("a2").confirmed()).isTrue();
        assertThat(slice.confirm(unit, "a2")).isNull();
    }

    @Test
    void refusesUnitsInMaintenanceOrUnhealthyAndChargesProRataWithinTheCap() {
        final UnitState maintenance = unit("u1").in(slice);
        slice.operatorState(maintenance, OperatorState.MAINTENANCE);
        final UnitState unhealthy = unit("u2").in(slice);
        slice.health(unhealthy, Health.initial(0, 1).judged(100_000, 10_000), "HEALTH_CHANGED");
        // 25 GB of a 100 GB unit at 4.000000/h: 0.25 * 4_000_000 = 1_000_000 micros/h
        final UnitState dear = unit("u3").storageGb(100).price(4_000_000).in(slice);

        assertThat(CapacityLedger.refusal(maintenance, gb(1), Long.MAX_VALUE))
                .hasValueSatisfying(r -> assertThat(r.reason()).isEqualTo(ReasonCode.NO_FEASIBLE_UNIT));
        assertThat(CapacityLedger.refusal(unhealthy, gb(1), Long.MAX_VALUE))
                .hasValueSatisfying(r -> assertThat(r.detail()).contains("unhealthy"));
        assertThat(CapacityLedger.price(dear, gb(25))).isEqualTo(1_000_000);
        assertThat(CapacityLedger.refusal(dear, gb(25), 999_999))
                .hasValueSatisfying(r -> assertThat(r.reason()).isEqualTo(ReasonCode.PRICE_CAP_EXCEEDED));
        assertThat(slice.index().size()).isEqualTo(1);
    }

    @Test
    void finishesDecommissioningWhenTheLastAllocationLeaves() {
        final UnitState unit = unit("u1").in(slice);
        slice.reserve(unit, held("a1", 1), "RESERVED");
        slice.operatorState(unit, OperatorState.DECOMMISSIONING);

        slice.release(unit, "a1", "RELEASED");

        assertThat(unit.operatorState()).isEqualTo(OperatorState.DECOMMISSIONED);
        assertThat(slice.release(unit, "a1", "RELEASED")).isNull();
    }

    @Test
    void sendsEveryoneAwayFromAUnitInMaintenanceButNotTheMovesUnderWay() {
        final UnitState unit = unit("u1").in(slice);
        slice.reserve(unit, held("a1", 1), "RESERVED");
        slice.reserve(unit, held("a2", 1), "RESERVED");
        slice.reserve(unit, held("target", 1).as(Held.Role.MIGRATION_TARGET), "RESERVED");
        slice.operatorState(unit, OperatorState.MAINTENANCE);

        assertThat(CapacityLedger.toMigrate(unit)).extracting(Held::allocationId).containsExactlyInAnyOrder("a1", "a2");
    }

    @Test
    void sendsAwayOnlyTheAllocationsWhoseSlaTheUnitBreaches() {
        final UnitState unit = unit("u1").latency(10).in(slice);
        slice.reserve(unit, new Held("gold", "c1", gb(1), Held.Role.OWNED, true, 50, 0), "RESERVED");
        slice.reserve(unit, held("plain", 1).confirmedNow(), "RESERVED");

        assertThat(CapacityLedger.toMigrate(unit)).isEmpty();
        slice.health(unit, unit.health().observe(2, 500.0, true).observe(3, 500.0, true), "HEALTH_CHANGED");

        assertThat(CapacityLedger.toMigrate(unit)).extracting(Held::allocationId).containsExactly("gold");
    }

    @Test
    void aRestoredUnitHoldsWhatItsRecordsSayAndContinuesItsNumbering() {
        final UnitState unit = unit("u1").in(slice);
        final Slice restarted = new Slice();
        restarted.restore(new UnitHeader(unit.spec(), OperatorState.ACTIVE, unit.health(), 1));
        restarted.restoreHeld("u1", held("a1", 30));
        restarted.restoreSequence("u1", 7);
        restarted.restoreSequence("u1", 5);
        restarted.restored();

        assertThat(restarted.get("u1").used().storageBytes()).isEqualTo(30 * GB);
        assertThat(restarted.reserve(restarted.get("u1"), held("a2", 1), "RESERVED").sequence()).isEqualTo(8);
        assertThat(restarted.get("u1").read().allocations()).isEqualTo(2);
    }

    private static Held held(final String allocation, final long gb) {
        return new Held(allocation, "c1", gb(gb), Held.Role.OWNED, false, Held.NO_LATENCY_TARGET, 0);
    }

    private static Capacity gb(final long gb) {
        return new Capacity(0, 0, gb * GB, 0, null);
    }
}
