package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.emit.Decisions;
import dev.orchestrator.topology.schedule.SchedulingSettings;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Preemption in the engine: victims, the freed room reserved for the preemptor, the victims placed again, and the limits. */
class PreemptionTest {
    private EngineHarness engine = new EngineHarness();

    @AfterEach
    void close() {
        engine.close();
    }

    private void budget(final String consumer, final int percent) {
        engine.policy(Policy.newBuilder().setConsumerId(consumer).setUpdatedAt(Instant.EPOCH)
                .setDisruptionBudgetPercent(percent).build());
    }

    private EngineHarness place(final String demand, final String consumer, final long gb, final int priority) {
        return engine.place(demand, consumer, gb, d -> d.setPriority(priority));
    }

    private void confirmAll() {
        engine.confirmAll();
    }

    private long decisions(final String demand) {
        return engine.resultsFor(demand).stream().filter(Decisions::isDecision).count();
    }

    @Test
    void aHigherPriorityDemandTakesTheRoomOfTheFewestLowestAndTheVictimIsPlacedAgainFirst() {
        budget("batch", 100);
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").register("u2", "p1", "eu-west-1", 100, "1.00");
        place("b1", "batch", 60, 0);
        place("b2", "batch", 40, 0);
        place("b3", "batch", 70, 0);
        confirmAll();
        assertThat(engine.last("b3").getDataUnitId()).isEqualTo("u2");

        // 50 GB at priority 10: u1 (0 free) needs one victim, b1 (60, covering more than b2's 40); u2 (30 free)
        // needs b3 (70): as few victims of as low a priority, u1 wins the tie by id
        place("urgent", "prod", 50, 10);
        final AllocationResult urgent = engine.last("urgent");
        assertThat(urgent.getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(urgent.getReasonDetail()).startsWith("placed by preempting ");
        assertThat(urgent.getDataUnitId()).isEqualTo("u1");
        final String victim = "b1";
        assertThat(urgent.getReasonDetail()).isEqualTo("placed by preempting b1 (priority at most 0, this demand's 10) on u1");
        final AllocationResult preempted = engine.resultsFor(victim).stream()
                .filter(r -> r.getStatus() == AllocationStatus.PREEMPTED).findFirst().orElseThrow();
        assertThat(preempted.getReason()).isEqualTo(ReasonCode.PREEMPTED);
        assertThat(preempted.getReasonDetail()).startsWith("preempted by urgent of prod (priority 10 over this allocation's 0)");
        assertThat(preempted.getUnitChanges()).singleElement().satisfies(c -> assertThat(c.getAction()).isEqualTo("PREEMPTED"));
        assertThat(engine.commands).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo(CommandType.DEPROVISION);
            assertThat(c.getAllocationId()).isEqualTo(victim);
        });
        // nowhere to go (the other unit has 30 free): the victim waits, first in line
        assertThat(engine.last(victim).getStatus()).isEqualTo(AllocationStatus.WAITING);
        assertThat(engine.task().waiting().position(victim)).isEqualTo(1);
        assertThat(engine.allocationActions(victim)).containsExactly("PLACED", "ACTIVE", "PREEMPTED", "WAITING");

        // room frees: it is placed again, the same decision moved (REPLACED), one decision in all
        engine.release("r", "prod", "urgent").advance(Duration.ofSeconds(2));
        assertThat(engine.last(victim).getStatus()).isEqualTo(AllocationStatus.REPLACED);
        assertThat(engine.last(victim).getReasonDetail()).startsWith("placed again after urgent preempted it");
        assertThat(decisions(victim)).isEqualTo(1);
        assertThat(decisions("urgent")).isEqualTo(1);
    }

    @Test
    void aVictimWithRoomElsewhereIsPlacedAgainAtOnce() {
        budget("batch", 100);
        engine.register("u1", "p1", "eu-west-1", 100, "1.00");
        place("b1", "batch", 100, 0);
        confirmAll();
        engine.register("u2", "p1", "us-east-1", 100, "1.00");
        // only eu-west-1 will do for this one: b1 makes room there and moves to us-east-1 in the same transaction
        engine.place("urgent", "prod", 80, d -> d.setPriority(5).setRegions(java.util.List.of("eu-west-1")));
        assertThat(engine.last("urgent").getDataUnitId()).isEqualTo("u1");
        assertThat(engine.last("b1").getStatus()).isEqualTo(AllocationStatus.REPLACED);
        assertThat(engine.last("b1").getDataUnitId()).isEqualTo("u2");
        assertThat(engine.allocationActions("b1")).containsExactly("PLACED", "ACTIVE", "PREEMPTED", "REPLACED");
        assertThat(engine.commands.stream().filter(c -> "b1".equals(c.getAllocationId())).map(c -> c.getType()))
                .containsExactly(CommandType.PROVISION, CommandType.DEPROVISION, CommandType.PROVISION);
        assertThat(decisions("b1")).isEqualTo(1);
    }

    @Test
    void aPreemptedAllocationNeverPreemptsSoNoChainForms() {
        budget("mid", 100);
        budget("low", 100);
        budget("gold", 100);
        engine.register("u1", "p1", "eu-west-1", 100, "1.00");
        place("m1", "mid", 60, 5);
        confirmAll();
        engine.register("u2", "p1", "us-east-1", 100, "1.00");
        engine.place("l1", "low", 60, d -> d.setPriority(0).setRegions(java.util.List.of("us-east-1")));
        engine.place("g1", "gold", 40, d -> d.setPriority(20).setRegions(java.util.List.of("us-east-1")));
        confirmAll();
        assertThat(engine.last("l1").getDataUnitId()).isEqualTo("u2");
        assertThat(engine.last("g1").getDataUnitId()).isEqualTo("u2");
        // 100 GB at priority 10: on u1, m1 (priority 5) and the 40 free make room; on u2 l1 alone does not (g1 is
        // priority 20): m1 is preempted
        place("top", "prod", 100, 10);
        assertThat(engine.last("top").getDataUnitId()).isEqualTo("u1");
        // m1 outranks l1 on u2 by 5, and taking l1 would make room for it there; but a preempted allocation never
        // preempts: it waits, and l1 keeps its room
        assertThat(engine.last("m1").getStatus()).isEqualTo(AllocationStatus.WAITING);
        assertThat(engine.last("l1").getStatus()).isEqualTo(AllocationStatus.ACTIVE);
        // still not when it is tried again from the queue
        engine.advance(Duration.ofSeconds(6));
        assertThat(engine.last("l1").getStatus()).isEqualTo(AllocationStatus.ACTIVE);
        // a new demand at priority 5 does take l1's room
        place("new5", "prod", 60, 5);
        assertThat(engine.last("new5").getDataUnitId()).isEqualTo("u2");
        assertThat(engine.last("l1").getStatus()).isEqualTo(AllocationStatus.WAITING);
    }

    @Test
    void theDisruptionBudgetIsHardAndThePriorityGapIsKept() {
        budget("batch", 50); // of 2 allocations: 1 may be preempted per window
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").register("u2", "p1", "eu-west-1", 100, "1.00");
        place("b1", "batch", 100, 0);
        place("b2", "batch", 100, 0);
        confirmAll();
        place("p1", "prod", 100, 10);
        assertThat(engine.last("p1").getStatus()).isEqualTo(AllocationStatus.PLACED);
        // the other is protected: 50% of the one it still holds rounds down to 0
        place("p2", "prod", 100, 10);
        assertThat(engine.last("p2").getStatus()).isEqualTo(AllocationStatus.REJECTED);
        assertThat(engine.last("p2").getReason()).isEqualTo(ReasonCode.NO_CAPACITY);
        assertThat(engine.resultsFor("b2").stream().map(AllocationResult::getStatus)).doesNotContain(AllocationStatus.PREEMPTED);
        engine.close();

        engine = new EngineHarness(EngineSettings.defaults().withScheduling(new SchedulingSettings(true, 5, 100, 3_600_000,
                600_000, 60_000, 0)));
        engine.register("u1", "p1", "eu-west-1", 100, "1.00");
        place("b1", "batch", 100, 1);
        confirmAll();
        // 5 above is not enough: a victim must be at least the gap (5) below
        place("p1", "prod", 100, 5);
        assertThat(engine.last("p1").getStatus()).isEqualTo(AllocationStatus.REJECTED);
        place("p2", "prod", 100, 6);
        assertThat(engine.last("p2").getStatus()).isEqualTo(AllocationStatus.PLACED);
    }

    @Test
    void aPreemptedAllocationThatFindsNoRoomInTimeExpiresWithItsOneDecisionKept() {
        engine = withRequeueWait(30_000);
        budget("batch", 100);
        engine.register("u1", "p1", "eu-west-1", 100, "1.00");
        place("b1", "batch", 100, 0);
        confirmAll();
        place("p1", "prod", 100, 10);
        assertThat(engine.last("b1").getStatus()).isEqualTo(AllocationStatus.WAITING);
        engine.advance(Duration.ofSeconds(32));
        final AllocationResult end = engine.last("b1");
        assertThat(end.getStatus()).isEqualTo(AllocationStatus.EXPIRED);
        assertThat(end.getReason()).isEqualTo(ReasonCode.WAIT_EXPIRED);
        assertThat(decisions("b1")).isEqualTo(1);
    }

    @Test
    void preemptionOffMeansTheDemandWaitsOrIsRejected() {
        engine.close();
        engine = new EngineHarness(EngineSettings.defaults().withScheduling(new SchedulingSettings(false, 1, 100, 3_600_000,
                600_000, 60_000, 0)));
        engine.register("u1", "p1", "eu-west-1", 100, "1.00");
        place("b1", "batch", 100, 0);
        confirmAll();
        place("p1", "prod", 100, 10);
        assertThat(engine.last("p1").getReason()).isEqualTo(ReasonCode.NO_CAPACITY);
        assertThat(engine.last("b1").getStatus()).isEqualTo(AllocationStatus.ACTIVE);
    }

    private EngineHarness withRequeueWait(final long millis) {
        engine.close();
        return new EngineHarness(EngineSettings.defaults().withScheduling(new SchedulingSettings(true, 1, 20, 3_600_000,
                millis, 60_000, 0)));
    }
}
