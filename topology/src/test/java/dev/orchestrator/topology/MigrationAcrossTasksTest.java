package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.DataUnitState;
import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.routing.Partitions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A move to a unit another task owns: the target is hosted there, and the allocation handed over once it is confirmed. */
class MigrationAcrossTasksTest {
    @Test
    void anAllocationMovesToAnotherTasksUnitAndTheNewOwnerHandlesItsLaterOutcomes() {
        final List<String> europe = List.of("u1", "u3", "u5");
        final String source = europe.get(0);
        final String target = europe.stream().filter(u -> Partitions.of(u, TaskCluster.PARTITIONS)
                != Partitions.of(source, TaskCluster.PARTITIONS)).findFirst().orElseThrow();
        final TaskWorld world = new TaskWorld(new TaskCluster(EngineSettings.defaults()));
        world.start(List.of(new TaskWorld.Register(source, 100, 100)));
        world.apply(new TaskWorld.Place("c3", 10, 0, 1));
        world.cluster.settle();
        world.apply(new TaskWorld.Register(target, 100, 100));
        world.apply(new TaskWorld.Confirm(0, true));
        world.cluster.settle();
        world.cluster.advance(1_000);
        world.cluster.settle();

        world.apply(new TaskWorld.ChangeState(source, DataUnitState.MAINTENANCE));
        world.cluster.settle();
        assertThat(world.cluster.committed(world.cluster.topics.commands)).filteredOn(c -> c.getType() == CommandType.MIGRATE)
                .singleElement().satisfies(c -> assertThat(c.getDataUnitId()).isEqualTo(target));
        world.apply(new TaskWorld.Confirm(0, true));
        world.cluster.settle();

        final AllocationResult last = last(world);
        assertThat(last.getStatus()).isEqualTo(AllocationStatus.ACTIVE);
        assertThat(last.getDataUnitId()).isEqualTo(target);
        final TaskCluster.SimTask owner = world.cluster.tasks.get(Partitions.of(target, TaskCluster.PARTITIONS));
        assertThat(owner.<Object>committedStore(StoreNames.DEMANDS).get(last.getDemandId())).isInstanceOf(Allocation.class);
        assertThat(owner.<Object>committedStore(StoreNames.HOSTED)).isEmpty();
        world.check();

        // the executor later reports the moved instance failed: the new owner ends it, as it would any running allocation
        final dev.orchestrator.avro.PlacementCommand migrate = world.cluster.committed(world.cluster.topics.commands).stream()
                .filter(c -> c.getType() == CommandType.MIGRATE).findFirst().orElseThrow();
        world.outcome(migrate, dev.orchestrator.avro.OutcomeStatus.FAILED);
        world.cluster.settle();
        world.check();
        final AllocationResult ended = last(world);
        assertThat(ended.getStatus()).isEqualTo(AllocationStatus.EXPIRED);
        assertThat(ended.getDataUnitId()).isEqualTo(target);
        assertThat(ended.getReason()).isEqualTo(dev.orchestrator.avro.ReasonCode.EXECUTION_FAILED);
        assertThat(world.cluster.committedDeadLetterReasons()).doesNotContain("INVALID_INPUT");
    }

    private static AllocationResult last(final TaskWorld world) {
        final List<AllocationResult> all = world.cluster.committed(world.cluster.topics.allocations);
        return all.stream().filter(r -> r.getChange() != null).reduce((a, b) -> b.getChange().getSequence()
                >= a.getChange().getSequence() ? b : a).orElseThrow();
    }
}
