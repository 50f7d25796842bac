package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.Quantity;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.avro.ResourceSpec;
import dev.orchestrator.avro.Sla;
import dev.orchestrator.topology.routing.Partitions;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A demand that names an SLA its task has no copy of yet is decided where the SLA lives, not refused. */
class SlaAcrossTasksTest {
    @Test
    void aDemandArrivingBeforeItsSlasCopyIsDecidedAtTheSlasHome() {
        final TaskCluster cluster = TaskWorld.settled("c5", 1_000).cluster;
        final int home = Partitions.of("gold", TaskCluster.PARTITIONS);
        cluster.produce(cluster.topics.sla, "gold", Sla.newBuilder().setSlaId("gold").setMaxLatencyMillis(50)
                .setMinAvailability(0.0).setUpdatedAt(cluster.instant()).build());
        final String away = IntStream.range(0, 100).mapToObj(i -> "d-gold-" + i)
                .filter(id -> Partitions.of(id, TaskCluster.PARTITIONS) != home).findFirst().orElseThrow();
        cluster.produce(cluster.topics.demand, away, demand(away, "gold", cluster));
        final String unknown = IntStream.range(0, 100).mapToObj(i -> "d-tin-" + i)
                .filter(id -> Partitions.of(id, TaskCluster.PARTITIONS) != Partitions.of("tin", TaskCluster.PARTITIONS))
                .findFirst().orElseThrow();
        cluster.produce(cluster.topics.demand, unknown, demand(unknown, "tin", cluster));
        // the demand's task runs before the SLA's home has sent its copy anywhere
        cluster.tasks.get(Partitions.of(away, TaskCluster.PARTITIONS)).run(Integer.MAX_VALUE);
        cluster.settle();

        final List<AllocationResult> results = cluster.committed(cluster.topics.allocations);
        assertThat(results).filteredOn(r -> r.getDemandId().equals(away)).singleElement()
                .satisfies(r -> assertThat(r.getStatus()).as("%s %s", r.getReason(), r.getReasonDetail()).isEqualTo(AllocationStatus.PLACED));
        assertThat(results).filteredOn(r -> r.getDemandId().equals(unknown)).singleElement().satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(AllocationStatus.REJECTED);
            assertThat(r.getReason()).isEqualTo(ReasonCode.SLA_UNSATISFIABLE);
        });
    }

    private static Demand demand(final String id, final String sla, final TaskCluster cluster) {
        return Demand.newBuilder().setDemandId(id).setConsumerId("c5").setType(DemandType.PLACE).setKind(ResourceKind.STORAGE)
                .setResources(ResourceSpec.newBuilder().setStorage(new Quantity("10", "GB")).build()).setSlaId(sla)
                .setRequestedAt(cluster.instant()).build();
    }
}
