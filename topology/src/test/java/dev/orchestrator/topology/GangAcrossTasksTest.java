package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.Quantity;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.avro.ResourceSpec;
import dev.orchestrator.topology.routing.Partitions;
import dev.orchestrator.topology.routing.RouteMessage;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A gang gathers on its group's task and, when that task's units cannot hold it, is handed whole to one that can. */
class GangAcrossTasksTest {
    @Test
    void aGangWhoseTaskHasNoRoomIsHandedWholeToATaskWithRoomAndItsLateMembersFollow() {
        final TaskWorld world = TaskWorld.settled("c5", 1_000);
        final TaskCluster cluster = world.cluster;
        final Set<Integer> withUnits = Set.copyOf(List.of(Partitions.of("u1", TaskCluster.PARTITIONS),
                Partitions.of("u3", TaskCluster.PARTITIONS)));
        // a group whose task owns no unit, and members arriving on every task
        final String group = IntStream.range(0, 100).mapToObj(i -> "grp-" + i)
                .filter(g -> !withUnits.contains(Partitions.of("c5/" + g, TaskCluster.PARTITIONS))).findFirst().orElseThrow();
        final int home = Partitions.of("c5/" + group, TaskCluster.PARTITIONS);
        final List<String> members = List.of("m-a", "m-b", "m-c", "m-d", "m-e", "m-f");
        for (final String member : members.subList(0, 3)) {
            send(world, member, group, 3, 40);
        }
        cluster.settle();

        final List<AllocationResult> results = cluster.committed(cluster.topics.allocations);
        for (final String member : members.subList(0, 3)) {
            assertThat(last(results, member).getStatus()).as(member).isEqualTo(AllocationStatus.PLACED);
            assertThat(last(results, member).getReasonDetail()).contains("placed with group " + group + ": 3 of 3");
        }
        assertThat(cluster.committedRoutes()).filteredOn(m -> m instanceof RouteMessage.GangHandoff).singleElement()
                .satisfies(m -> assertThat(((RouteMessage.GangHandoff) m).members()).hasSize(3));
        assertThat(withUnits).doesNotContain(home);

        // a member arriving after the gang was placed follows it and is placed alone there (room for one more 40)
        send(world, members.get(3), group, 3, 40);
        cluster.settle();
        assertThat(last(cluster.committed(cluster.topics.allocations), members.get(3)).getStatus())
                .isEqualTo(AllocationStatus.PLACED);
        // a release finds the allocation through the pointers left on the way
        world.sent.add(Demand.newBuilder().setDemandId("rel-a").setConsumerId("c5").setType(DemandType.RELEASE)
                .setReleaseOf("m-a").setRequestedAt(cluster.instant()).build());
        world.demandIds.add("rel-a");
        cluster.produce(cluster.topics.demand, "rel-a", world.sent.get(world.sent.size() - 1));
        cluster.settle();
        assertThat(last(cluster.committed(cluster.topics.allocations), "m-a").getStatus()).isEqualTo(AllocationStatus.RELEASED);
        world.check();
        world.checkEveryDemandDecided();
    }

    @Test
    void aGatheringGangAndAPlacedOneComeBackFromTheirTasksStoresAfterACrash() {
        final TaskWorld world = TaskWorld.settled("c5", 1_000);
        final TaskCluster cluster = world.cluster;
        send(world, "g-1", "gather", 3, 20);
        send(world, "g-2", "gather", 3, 20);
        send(world, "p-1", "pair", 2, 20);
        send(world, "p-2", "pair", 2, 20);
        cluster.settle();
        assertThat(last(cluster.committed(cluster.topics.allocations), "g-2").getStatus()).isEqualTo(AllocationStatus.WAITING);
        assertThat(last(cluster.committed(cluster.topics.allocations), "p-2").getStatus()).isEqualTo(AllocationStatus.PLACED);

        for (final TaskCluster.SimTask task : cluster.tasks) {
            task.crash();
        }
        // the gathering gang is rebuilt from its members' WAITING records; the placed one is remembered as placed
        send(world, "g-3", "gather", 3, 20);
        send(world, "p-3", "pair", 2, 20);
        cluster.settle();
        // restarted tasks know the others' room again once summaries arrive; gangs look again every 5 s
        for (int i = 0; i < 2; i++) {
            cluster.advance(6_000);
            cluster.settle();
        }
        final List<AllocationResult> results = cluster.committed(cluster.topics.allocations);
        for (final String member : List.of("g-1", "g-2", "g-3")) {
            assertThat(last(results, member).getStatus()).as(member).isEqualTo(AllocationStatus.PLACED);
            assertThat(last(results, member).getReasonDetail()).contains("placed with group gather: 3 of 3");
        }
        assertThat(last(results, "p-3").getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(String.valueOf(last(results, "p-3").getReasonDetail())).doesNotContain("group");
        world.check();
        world.checkEveryDemandDecided();
    }

    private static void send(final TaskWorld world, final String id, final String group, final int min,
                             final long gb) {
        final Demand demand = Demand.newBuilder().setDemandId(id).setConsumerId("c5").setType(DemandType.PLACE)
                .setKind(ResourceKind.STORAGE).setResources(ResourceSpec.newBuilder().setStorage(new Quantity(gb + "", "GB")).build())
                .setGroupId(group).setMinMembers(min).setRequestedAt(world.cluster.instant()).build();
        world.sent.add(demand);
        world.demandIds.add(id);
        world.cluster.produce(world.cluster.topics.demand, id, demand);
    }

    private static AllocationResult last(final List<AllocationResult> results, final String id) {
        final List<AllocationResult> mine = results.stream().filter(r -> r.getDemandId().equals(id)).toList();
        assertThat(mine).as(id).isNotEmpty();
        return mine.get(mine.size() - 1);
    }
}
