package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.EntityType;
import dev.orchestrator.avro.ReasonCode;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PlacementTest {
    private final EngineHarness engine = new EngineHarness();

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void placesOnTheCheapestFittingUnitAndPublishesDecisionCommandAndAudit() {
        engine.register("u-dear", "p1", "eu-west-1", 100, "2.00")
                .register("u-cheap", "p2", "eu-west-1", 100, "1.00")
                .place("d1", "c1", 10);

        final AllocationResult placed = engine.last("d1");
        assertThat(placed.getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(placed.getDataUnitId()).isEqualTo("u-cheap");
        // 10 GB of 100 GB at 1.00/h = 0.100000/h
        assertThat(placed.getPricePerHour().getAmount()).isEqualByComparingTo("0.100000");
        assertThat(placed.getCandidates()).extracting(c -> c.getDataUnitId()).containsExactly("u-cheap", "u-dear");
        assertThat(engine.commands).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo(CommandType.PROVISION);
            assertThat(c.getDataUnitId()).isEqualTo("u-cheap");
            assertThat(c.getCapacity().getStorageBytes()).isEqualTo(10_000_000_000L);
        });
        // the decision record is the audit event of the allocation and of the unit it reserved on
        assertThat(engine.audit).filteredOn(a -> a.getEntityType() == EntityType.ALLOCATION).isEmpty();
        assertThat(engine.allocationActions("d1")).containsExactly("PLACED");
        assertThat(placed.getUnitChanges()).singleElement().satisfies(c -> {
            assertThat(c.getAction()).isEqualTo("RESERVED");
            assertThat(c.getUsedAfter().getStorageBytes()).isEqualTo(10_000_000_000L);
        });
        assertThat(engine.unitEvents("u-cheap")).extracting(EngineHarness.UnitEvent::action)
                .containsExactly("REGISTERED", "RESERVED");
        assertThat(engine.unit("u-cheap").used().storageBytes()).isEqualTo(10_000_000_000L);
    }

    @Test
    void neverOvercommitsAUnit() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00")
                .place("d1", "c1", 60)
                .place("d2", "c2", 60);

        assertThat(engine.last("d1").getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(engine.last("d2").getStatus()).isEqualTo(AllocationStatus.REJECTED);
        assertThat(engine.last("d2").getReason()).isEqualTo(ReasonCode.NO_CAPACITY);
        assertThat(engine.unit("u1").used().storageBytes()).isEqualTo(60_000_000_000L);
    }

    @Test
    void rejectsWithTheReasonWhenNothingFits() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00")
                .place("too-big", "c1", 500)
                .place("wrong-region", "c1", 1, d -> d.setRegions(List.of("us-east-1")));

        assertThat(engine.last("too-big").getReason()).isEqualTo(ReasonCode.NO_CAPACITY);
        assertThat(engine.last("wrong-region").getReason()).isEqualTo(ReasonCode.NO_FEASIBLE_UNIT);
        assertThat(engine.last("wrong-region").getReasonDetail()).contains("no unit of this kind");
        assertThat(engine.commands).isEmpty();
    }

    @Test
    void publishesDecisionCountsAndPoolUtilizationOnTheClock() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("d1", "c1", 25).place("d2", "c1", 500)
                .advance(java.time.Duration.ofSeconds(6));

        assertThat(engine.metrics).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("decisions_total");
            assertThat(m.getLabels()).containsEntry("status", "PLACED");
            assertThat(m.getValue()).isEqualTo(1.0);
        });
        assertThat(engine.metrics).anySatisfy(m -> assertThat(m.getLabels()).containsEntry("reason", "NO_CAPACITY"));
        assertThat(engine.metrics).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("pool_used");
            assertThat(m.getLabels()).containsEntry("pool", "eu-west-1/storage");
            assertThat(m.getValue()).isEqualTo(25e9);
        });
    }

    @Test
    void decidesEachDemandOnceEvenWhenItArrivesTwice() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("d1", "c1", 10).place("d1", "c1", 10);

        assertThat(engine.resultsFor("d1")).hasSize(1);
        assertThat(engine.deadLetters).singleElement().satisfies(r ->
                assertThat(new String(r.headers().lastHeader("orchestrator.error.reason").value())).isEqualTo("DUPLICATE"));
        assertThat(engine.unit("u1").reservations()).hasSize(1);
    }
}
