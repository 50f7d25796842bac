package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.DataUnitEventType;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.Quantity;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.avro.ResourceSpec;
import dev.orchestrator.topology.routing.Partitions;
import java.math.BigDecimal;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A unit registered a moment ago is known only to its own task until that task's next summary: a
 * demand for its region arriving at another task in between is placed on it, not rejected for want
 * of a unit; a region nobody offers is still rejected, once every task was asked.
 */
class UnitJustRegisteredTest {
    @Test
    void aDemandForARegionOnlyANewUnitOffersIsPlacedOnItBeforeAnySummarySaysSo() {
        // every task has heard what the others' pools hold, none in ap-south-1
        final TaskCluster cluster = TaskWorld.settled("c5", 10_000).cluster;

        final String unit = "u-new";
        final int home = Partitions.of(unit, TaskCluster.PARTITIONS);
        cluster.produce(cluster.topics.dataUnit, unit, DataUnitEvent.newBuilder().setEventId("reg-new").setDataUnitId(unit)
                .setProviderId("p-new").setType(DataUnitEventType.REGISTER).setKind(ResourceKind.STORAGE).setRegion("ap-south-1")
                .setCapacity(ResourceSpec.newBuilder().setStorage(new Quantity("100", "GB")).build())
                .setPricePerHour(new Money(BigDecimal.ONE, "USD")).setAdvertisedLatencyMillis(10.0)
                .setAdvertisedAvailability(0.999).setAt(cluster.instant()).build());
        final String away = IntStream.range(0, 100).mapToObj(i -> "d-ap-" + i)
                .filter(id -> Partitions.of(id, TaskCluster.PARTITIONS) != home).findFirst().orElseThrow();
        cluster.produce(cluster.topics.demand, away, demand(away, "ap-south-1", cluster));
        final String nowhere = IntStream.range(0, 100).mapToObj(i -> "d-sa-" + i)
                .filter(id -> Partitions.of(id, TaskCluster.PARTITIONS) != home).findFirst().orElseThrow();
        cluster.produce(cluster.topics.demand, nowhere, demand(nowhere, "sa-east-1", cluster));
        // the demands' task decides before the unit's task has registered it or told anyone
        cluster.tasks.get(Partitions.of(away, TaskCluster.PARTITIONS)).run(Integer.MAX_VALUE);
        cluster.tasks.get(Partitions.of(nowhere, TaskCluster.PARTITIONS)).run(Integer.MAX_VALUE);
        cluster.settle();

        final List<AllocationResult> results = cluster.committed(cluster.topics.allocations);
        assertThat(results).filteredOn(r -> r.getDemandId().equals(away)).singleElement().satisfies(r -> {
            assertThat(r.getStatus()).as("%s %s", r.getReason(), r.getReasonDetail()).isEqualTo(AllocationStatus.PLACED);
            assertThat(r.getDataUnitId()).isEqualTo(unit);
        });
        assertThat(results).filteredOn(r -> r.getDemandId().equals(nowhere)).singleElement().satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(AllocationStatus.REJECTED);
            assertThat(r.getReason()).isEqualTo(ReasonCode.NO_FEASIBLE_UNIT);
        });
    }

    private static Demand demand(final String id, final String region, final TaskCluster cluster) {
        return Demand.newBuilder().setDemandId(id).setConsumerId("c5").setType(DemandType.PLACE).setKind(ResourceKind.STORAGE)
                .setResources(ResourceSpec.newBuilder().setStorage(new Quantity("10", "GB")).build()).setRegions(List.of(region))
                .setRequestedAt(cluster.instant()).build();
    }
}
