package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.DataUnitState;
import dev.orchestrator.topology.ledger.UnitState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A task that crashes comes back, from its committed stores alone, to exactly the state it had committed. */
class RestartTest {
    @Test
    void aUnitDecommissionedByItsLastReleaseStaysDecommissionedAfterARestart() {
        final TaskWorld world = new TaskWorld(new TaskCluster(EngineSettings.defaults()));
        world.start(List.of(new TaskWorld.Register("u1", 100, 100)));
        world.apply(new TaskWorld.Place("c3", 10, 0, 0));
        world.cluster.settle();
        world.apply(new TaskWorld.ChangeState("u1", DataUnitState.DECOMMISSIONING));
        world.apply(new TaskWorld.Release(0));
        world.cluster.settle();
        final TaskCluster.SimTask owner = world.cluster.tasks.stream().filter(t -> t.engine().slice().get("u1") != null)
                .findFirst().orElseThrow();
        assertThat(owner.engine().slice().get("u1").visibleState()).isEqualTo(DataUnitState.DECOMMISSIONED);

        owner.crash();

        final UnitState restored = owner.engine().slice().get("u1");
        assertThat(restored.visibleState()).isEqualTo(DataUnitState.DECOMMISSIONED);
        world.check();
    }

    @Test
    void aRestartedTaskNumbersItsUnitsChangesOnFromWhereItsRecordsLeftThem() {
        final TaskWorld world = new TaskWorld(new TaskCluster(EngineSettings.defaults()));
        world.start(List.of(new TaskWorld.Register("u1", 100, 100)));
        for (int i = 0; i < 3; i++) {
            world.apply(new TaskWorld.Place("c3", 10, 0, 0));
        }
        world.cluster.settle();
        final TaskCluster.SimTask owner = world.cluster.tasks.stream().filter(t -> t.engine().slice().get("u1") != null)
                .findFirst().orElseThrow();
        final long before = owner.engine().slice().get("u1").sequence();

        owner.crash();

        // registration, then three reservations whose numbers only the allocation records keep
        assertThat(before).isEqualTo(4);
        assertThat(owner.engine().slice().get("u1").sequence()).isEqualTo(before);
        assertThat(owner.engine().slice().get("u1").used().storageBytes()).isEqualTo(30_000_000_000L);
        world.apply(new TaskWorld.Place("c3", 10, 0, 0));
        world.cluster.settle();
        world.check();
    }
}
