package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.DataUnitState;
import dev.orchestrator.avro.EntityType;
import dev.orchestrator.avro.OutcomeStatus;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.avro.ReasonCode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Units through maintenance and silence; allocations through confirmation, release, expiry and their end. */
class LifecycleTest {
    private final EngineHarness engine = new EngineHarness();

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void rejectsWhenUnitInMaintenanceAndPlacesAgainWhenBack() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00")
                .changeState("u1", DataUnitState.MAINTENANCE)
                .place("d1", "c1", 1)
                .changeState("u1", DataUnitState.AVAILABLE)
                .place("d2", "c1", 1);

        assertThat(engine.last("d1").getStatus()).isEqualTo(AllocationStatus.REJECTED);
        assertThat(engine.last("d2").getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(engine.unitEvents("u1")).extracting(EngineHarness.UnitEvent::action)
                .containsExactly("REGISTERED", "STATE_CHANGED", "STATE_CHANGED", "RESERVED");
    }

    @Test
    void marksASilentUnitUnhealthyOnTheClockAndHealthyWhenHeartbeatsReturn() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").advance(Duration.ofSeconds(31));

        assertThat(engine.unit("u1").health().healthy()).isFalse();
        engine.place("d1", "c1", 1);
        assertThat(engine.last("d1").getStatus()).isEqualTo(AllocationStatus.REJECTED);

        engine.heartbeat("u1", 12.0, true).place("d2", "c1", 1);
        assertThat(engine.unit("u1").health().healthy()).isTrue();
        assertThat(engine.last("d2").getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(engine.audit).filteredOn(a -> a.getAction().equals("HEALTH_CHANGED")).hasSize(2);
    }

    @Test
    void judgesHeartbeatsByHowFarItHasReadItsInputNotByTheWallClock() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").register("u2", "p1", "eu-west-1", 100, "1.00")
                .advance(Duration.ofSeconds(20));
        final java.time.Instant written = engine.now().minusSeconds(19);

        // the ledger is 19 s behind its input: 40 s of wall clock since u1's registration, 21 s of input
        engine.lateHeartbeat("u2", written).advance(Duration.ofSeconds(20));
        assertThat(engine.unit("u1").health().healthy()).isTrue();

        // caught up: the wall clock counts again
        engine.heartbeat("u2", 10.0, true).advance(Duration.ofSeconds(1));
        assertThat(engine.unit("u1").health().healthy()).isFalse();
        assertThat(engine.unit("u2").health().healthy()).isTrue();
    }

    @Test
    void movesToInUseWhenProvisionedAndFreesCapacityOnRelease() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("d1", "c1", 40).confirmAll();

        assertThat(engine.unit("u1").visibleState()).isEqualTo(DataUnitState.IN_USE);
        assertThat(engine.last("d1").getStatus()).isEqualTo(AllocationStatus.ACTIVE);
        assertThat(engine.last("d1").getEndpoint()).isEqualTo("pvc://u1");

        engine.advance(Duration.ofMinutes(30)).heartbeat("u1", 10.0, true).release("r1", "c1", "d1");

        assertThat(engine.last("r1").getStatus()).isEqualTo(AllocationStatus.RELEASED);
        assertThat(engine.last("d1").getStatus()).isEqualTo(AllocationStatus.RELEASED);
        assertThat(engine.commands).extracting(PlacementCommand::getType)
                .containsExactly(CommandType.PROVISION, CommandType.DEPROVISION);
        assertThat(engine.unit("u1").used().storageBytes()).isZero();
        assertThat(engine.unit("u1").visibleState()).isEqualTo(DataUnitState.AVAILABLE);
    }

    @Test
    void rejectsTheReleaseOfSomethingThatIsNotHeld() {
        engine.release("r1", "c1", "never-placed");

        assertThat(engine.last("r1").getReason()).isEqualTo(ReasonCode.ALLOCATION_NOT_FOUND);
    }

    @Test
    void releasesAGhostReservationThatNoExecutorConfirmed() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("d1", "c1", 40).advance(Duration.ofSeconds(61));

        assertThat(engine.last("d1").getStatus()).isEqualTo(AllocationStatus.EXPIRED);
        assertThat(engine.last("d1").getReason()).isEqualTo(ReasonCode.RESERVATION_EXPIRED);
        assertThat(engine.unit("u1").reservations()).isEmpty();
        assertThat(engine.unitEvents("u1")).extracting(EngineHarness.UnitEvent::action)
                .contains("RELEASED");
        assertThat(engine.commands).extracting(PlacementCommand::getType)
                .containsExactly(CommandType.PROVISION, CommandType.DEPROVISION);
    }

    @Test
    void endsAnAllocationWhenItsDurationRunsOut() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00")
                .place("d1", "c1", 10, d -> d.setDurationMillis(20_000L)).confirmAll()
                .heartbeat("u1", 10.0, true).advance(Duration.ofSeconds(21));

        assertThat(engine.last("d1").getStatus()).isEqualTo(AllocationStatus.RELEASED);
        assertThat(engine.unit("u1").reservations()).isEmpty();
    }

    @Test
    void freesCapacityWhenProvisioningFailsAndRejectsWhenNoOtherUnitFits() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("d1", "c1", 10)
                .outcome(engine.commands.get(0), OutcomeStatus.FAILED);

        assertThat(engine.last("d1").getStatus()).isEqualTo(AllocationStatus.REJECTED);
        assertThat(engine.last("d1").getReason()).isEqualTo(ReasonCode.EXECUTION_FAILED);
        assertThat(engine.last("d1").getReasonDetail()).contains("provisioning failed on [u1]");
        assertThat(engine.unit("u1").reservations()).isEmpty();
    }

    @Test
    void placesAgainElsewhereWhenProvisioningFailsThenGivesUpAfterTheLimit() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").register("u2", "p2", "eu-west-1", 100, "1.50")
                .register("u3", "p3", "eu-west-1", 100, "2.00").register("u4", "p4", "eu-west-1", 100, "2.50")
                .place("d1", "c1", 10).outcome(engine.commands.get(0), OutcomeStatus.FAILED);

        // a status of its own: a consumer counting PLACED and REJECTED counts one decision
        assertThat(engine.last("d1").getStatus()).isEqualTo(AllocationStatus.REPLACED);
        assertThat(engine.last("d1").getReason()).isEqualTo(ReasonCode.EXECUTION_FAILED);
        assertThat(engine.resultsFor("d1")).extracting(r -> r.getStatus())
                .containsExactly(AllocationStatus.PLACED, AllocationStatus.REPLACED);
        assertThat(engine.last("d1").getDataUnitId()).isEqualTo("u2");
        assertThat(engine.commands).extracting(PlacementCommand::getDataUnitId).containsExactly("u1", "u2");
        assertThat(engine.unit("u1").reservations()).isEmpty();
        assertThat(engine.unit("u2").reservations()).containsKey("d1");

        engine.outcome(engine.commands.get(1), OutcomeStatus.FAILED).outcome(engine.commands.get(2), OutcomeStatus.FAILED);

        // three failed placements (maxAttempts) and the demand is given up, though u4 is free
        assertThat(engine.last("d1").getStatus()).isEqualTo(AllocationStatus.REJECTED);
        assertThat(engine.last("d1").getReason()).isEqualTo(ReasonCode.EXECUTION_FAILED);
        assertThat(engine.commands).extracting(PlacementCommand::getDataUnitId).containsExactly("u1", "u2", "u3");
        assertThat(engine.units().values()).allSatisfy(unit -> assertThat(unit.reservations()).isEmpty());
        // the audit chain of the allocation stays whole through the moves: 1..n, each change starting where the last ended
        final List<AllocationResult> chain = engine.resultsFor("d1");
        assertThat(chain).extracting(r -> r.getChange().getAction()).containsExactly("PLACED", "REPLACED", "REPLACED",
                "REJECTED");
        for (int i = 0; i < chain.size(); i++) {
            assertThat(chain.get(i).getChange().getSequence()).isEqualTo(i + 1L);
            assertThat(chain.get(i).getChange().getPreviousStatus()).isEqualTo(i == 0 ? null : chain.get(i - 1).getStatus());
        }
        // each re-placement's record audits both units: the release of the failed one and the reservation of the next
        assertThat(chain.get(1).getUnitChanges()).extracting(c -> c.getDataUnitId() + " " + c.getAction())
                .containsExactly("u1 EXECUTION_FAILED", "u2 RESERVED");
    }

    @Test
    void whatIsProvisionedForAnAllocationTheUnitNoLongerHoldsIsDeprovisioned() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("d1", "c1", 10);
        final PlacementCommand provision = engine.commands.get(0);
        engine.outcome(provision, OutcomeStatus.FAILED).outcome(provision, OutcomeStatus.PROVISIONED);

        assertThat(engine.commands).hasSize(2);
        final PlacementCommand cleanUp = engine.commands.get(1);
        assertThat(cleanUp.getType()).isEqualTo(CommandType.DEPROVISION);
        assertThat(cleanUp.getCommandId()).isEqualTo(provision.getCommandId() + ":orphan");
        assertThat(cleanUp.getDataUnitId()).isEqualTo("u1");
        assertThat(engine.unit("u1").reservations()).isEmpty();
        assertThat(engine.last("d1").getStatus()).isEqualTo(AllocationStatus.REJECTED);
    }

    @Test
    void aFailureAfterTheAllocationWentActiveEndsIt() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").register("u2", "p2", "eu-west-1", 100, "1.50")
                .place("d1", "c1", 10).confirmAll().outcome(engine.commands.get(0), OutcomeStatus.FAILED);

        assertThat(engine.last("d1").getStatus()).isEqualTo(AllocationStatus.EXPIRED);
        assertThat(engine.commands).hasSize(1);
    }

    @Test
    void decommissionsOnceTheLastAllocationLeaves() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("d1", "c1", 10).confirmAll()
                .changeState("u1", DataUnitState.DECOMMISSIONING);
        assertThat(engine.unit("u1").visibleState()).isEqualTo(DataUnitState.DECOMMISSIONING);

        engine.release("r1", "c1", "d1");

        assertThat(engine.unit("u1").visibleState()).isEqualTo(DataUnitState.DECOMMISSIONED);
    }
}
