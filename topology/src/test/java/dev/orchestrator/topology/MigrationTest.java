package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.DataUnitState;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.avro.Sla;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MigrationTest {
    private final EngineHarness engine = new EngineHarness();

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void movesAllocationsOffAUnitGoingToMaintenanceAndReleasesTheSourceOnlyOnConfirmation() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("d1", "c1", 10).confirmAll()
                .register("u2", "p1", "eu-west-1", 100, "1.00")
                .changeState("u1", DataUnitState.MAINTENANCE);

        final PlacementCommand migrate = engine.commands.get(engine.commands.size() - 1);
        assertThat(migrate.getType()).isEqualTo(CommandType.MIGRATE);
        assertThat(migrate.getSourceDataUnitId()).isEqualTo("u1");
        assertThat(migrate.getDataUnitId()).isEqualTo("u2");
        assertThat(engine.last("d1").getStatus()).isEqualTo(AllocationStatus.MIGRATING);
        assertThat(engine.unit("u1").reservations()).containsKey("d1");

        engine.confirmAll();

        assertThat(engine.unit("u1").reservations()).isEmpty();
        assertThat(engine.unit("u2").reservations()).containsKey("d1");
        assertThat(engine.last("d1").getStatus()).isEqualTo(AllocationStatus.ACTIVE);
        assertThat(engine.last("d1").getDataUnitId()).isEqualTo("u2");
        assertThat(engine.commands).extracting(PlacementCommand::getType)
                .containsExactly(CommandType.PROVISION, CommandType.MIGRATE);
    }

    @Test
    void runsAtMostTheConfiguredMigrationsPerProviderAtOnce() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00");
        for (int i = 0; i < 5; i++) {
            engine.place("d" + i, "c1", 10);
        }
        engine.confirmAll().register("u2", "p2", "eu-west-1", 100, "1.00").changeState("u1", DataUnitState.MAINTENANCE);

        // the default limit is 2 in flight for provider p1
        assertThat(migrates()).hasSize(2);
        engine.confirmAll();
        assertThat(migrates()).hasSize(4);
        engine.confirmAll();
        assertThat(migrates()).hasSize(5);
        engine.confirmAll();
        assertThat(engine.unit("u1").reservations()).isEmpty();
        assertThat(engine.unit("u2").reservations()).hasSize(5);
    }

    @Test
    void movesAnAllocationWhoseSlaTheUnitBreaches() {
        engine.sla(Sla.newBuilder().setSlaId("gold").setMaxLatencyMillis(50).setMinAvailability(0.9)
                        .setUpdatedAt(Instant.EPOCH).build())
                .register("u1", "p1", "eu-west-1", 100, "1.00")
                .place("d1", "c1", 10, d -> d.setSlaId("gold")).confirmAll()
                .register("u2", "p2", "eu-west-1", 100, "1.50");
        for (int i = 0; i < 10; i++) {
            engine.heartbeat("u1", 400.0, true);
        }

        assertThat(migrates()).singleElement().satisfies(m -> assertThat(m.getDataUnitId()).isEqualTo("u2"));
        assertThat(engine.audit).extracting(a -> a.getAction()).contains("SLA_BREACHED");
    }

    @Test
    void leavesTheAllocationWhereItIsWhenNoTargetExists() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("d1", "c1", 10).confirmAll()
                .changeState("u1", DataUnitState.MAINTENANCE);

        assertThat(migrates()).isEmpty();
        assertThat(engine.unit("u1").reservations()).containsKey("d1");
        // nothing changed for the allocation, so nothing is audited; the metric says why it stayed
        assertThat(engine.allocationActions("d1")).containsExactly("PLACED", "ACTIVE");
        engine.advance(java.time.Duration.ofSeconds(6));
        assertThat(engine.metrics).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("migrations_total");
            assertThat(m.getLabels()).containsEntry("result", "NO_TARGET");
        });
    }

    @Test
    void movesToTheBestUnitWithRoomAndAuditsEveryStep() {
        engine.register("u2", "p2", "eu-west-1", 100, "1.00").place("d2", "c1", 95).confirmAll()
                .register("u1", "p1", "eu-west-1", 100, "1.00").place("d1", "c1", 10).confirmAll()
                .register("u3", "p3", "eu-west-1", 100, "9.00")
                .changeState("u1", DataUnitState.MAINTENANCE);

        // u2 is cheaper but has 5 GB left: the move goes to u3
        assertThat(migrates()).singleElement().satisfies(m -> assertThat(m.getDataUnitId()).isEqualTo("u3"));
        engine.confirmAll();
        assertThat(engine.allocationActions("d1")).containsExactly("PLACED", "ACTIVE", "MIGRATING", "MIGRATED");
        // the allocation's chain: 1..n, each change starting where the last ended
        final List<dev.orchestrator.avro.AllocationResult> d1 = engine.allocations.stream()
                .filter(a -> a.getDemandId().equals("d1")).toList();
        for (int i = 0; i < d1.size(); i++) {
            assertThat(d1.get(i).getChange().getSequence()).isEqualTo(i + 1);
            assertThat(d1.get(i).getChange().getPreviousStatus()).isEqualTo(i == 0 ? null : d1.get(i - 1).getStatus());
        }
        assertThat(engine.unitEvents("u1")).extracting(EngineHarness.UnitEvent::action)
                .containsExactly("REGISTERED", "RESERVED", "CONFIRMED", "STATE_CHANGED", "MIGRATED");
    }

    @Test
    void aMoveOfAnAllocationNotYetProvisionedIsNotASecondDecision() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("d1", "c1", 10)
                .register("u2", "p2", "eu-west-1", 100, "1.00")
                .changeState("u1", DataUnitState.MAINTENANCE);

        assertThat(engine.resultsFor("d1")).extracting(r -> r.getStatus())
                .containsExactly(AllocationStatus.PLACED, AllocationStatus.MIGRATING);
        assertThat(engine.resultsFor("d1")).filteredOn(Invariants::isDecision).hasSize(1);
    }

    @Test
    void aFailedProvisioningDuringAMoveDropsTheMoveAndPlacesAgainWithoutHoldingTwice() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("d1", "c1", 10)
                .register("u2", "p2", "eu-west-1", 100, "2.00")
                .changeState("u1", DataUnitState.MAINTENANCE);
        final PlacementCommand provision = engine.commands.get(0);
        final PlacementCommand migrate = migrates().get(0);

        engine.outcome(provision, dev.orchestrator.avro.OutcomeStatus.FAILED);

        // the move to u2 is dropped (its target freed) and the demand placed again, on u2, held once
        assertThat(engine.last("d1").getStatus()).isEqualTo(AllocationStatus.REPLACED);
        assertThat(engine.last("d1").getDataUnitId()).isEqualTo("u2");
        assertThat(engine.unit("u1").reservations()).isEmpty();
        assertThat(engine.unit("u2").used().storageBytes()).isEqualTo(10_000_000_000L);
        assertThat(engine.last("d1").getUnitChanges()).extracting(c -> c.getDataUnitId() + " " + c.getAction())
                .containsExactly("u1 EXECUTION_FAILED", "u2 RELEASED", "u2 RESERVED");
        // the executor's late report of the abandoned move is refused: only the new placement's command confirms it
        engine.outcome(migrate, dev.orchestrator.avro.OutcomeStatus.MIGRATED);
        assertThat(engine.deadLetters).singleElement().satisfies(r -> assertThat(new String(
                r.headers().lastHeader("orchestrator.error.message").value())).contains("not the one that made"));
        assertThat(engine.last("d1").getStatus()).isEqualTo(AllocationStatus.REPLACED);
        assertThat(engine.unit("u2").used().storageBytes()).isEqualTo(10_000_000_000L);
    }

    private List<PlacementCommand> migrates() {
        return engine.commands.stream().filter(c -> c.getType() == CommandType.MIGRATE).toList();
    }
}
