package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.emit.Decisions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Demands that wait for capacity: WAITING, placed when room frees in priority order, expired, withdrawn. */
class WaitingTest {
    private final EngineHarness engine = new EngineHarness();

    @AfterEach
    void close() {
        engine.close();
    }

    private EngineHarness waitFor(final String demand, final String consumer, final long gb, final int priority,
                                  final long seconds) {
        return engine.place(demand, consumer, gb, d -> d.setPriority(priority).setMaxWaitSeconds(seconds));
    }

    private long decisions(final String demand) {
        return engine.resultsFor(demand).stream().filter(Decisions::isDecision).count();
    }

    @Test
    void aDemandThatFindsNoRoomWaitsAndIsPlacedWhenAReleaseFreesIt() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("a", "c1", 60).confirmAll();
        waitFor("w", "c2", 50, 0, 60);

        final AllocationResult waiting = engine.last("w");
        assertThat(waiting.getStatus()).isEqualTo(AllocationStatus.WAITING);
        assertThat(waiting.getReason()).isEqualTo(ReasonCode.NO_CAPACITY);
        assertThat(waiting.getReasonDetail()).startsWith("waiting up to 60 s for capacity");
        assertThat(decisions("w")).isZero();
        assertThat(engine.unit("u1").reservations()).doesNotContainKey("w");

        engine.advance(Duration.ofSeconds(2));
        assertThat(engine.last("w").getStatus()).isEqualTo(AllocationStatus.WAITING);
        assertThat(engine.task().queueView().pools()).singleElement().satisfies(pool -> {
            assertThat(pool.pool()).isEqualTo("storage/any");
            assertThat(pool.waiting()).isEqualTo(1);
        });

        engine.release("r", "c1", "a").advance(Duration.ofSeconds(2));
        final AllocationResult placed = engine.last("w");
        assertThat(placed.getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(placed.getDataUnitId()).isEqualTo("u1");
        assertThat(placed.getChange().getPreviousStatus()).isEqualTo(AllocationStatus.WAITING);
        assertThat(placed.getReasonDetail()).isEqualTo("placed after waiting 4 s");
        assertThat(decisions("w")).isEqualTo(1);
        assertThat(engine.allocationActions("w")).containsExactly("WAITING", "PLACED");
        assertThat(engine.task().waiting().size()).isZero();
        assertThat(engine.task().queueView().waited().get(0).placed()).isEqualTo(1);
    }

    @Test
    void freedRoomGoesToTheHighestPriorityFirstThenTheLongestWaitingAndSmallerOnesFillWhatIsLeft() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("a", "c1", 100).confirmAll();
        waitFor("low-first", "c2", 60, 1, 600);
        waitFor("low-second", "c2", 60, 1, 600);
        waitFor("high", "c3", 60, 5, 600);
        waitFor("small", "c2", 40, 0, 600);
        assertThat(engine.task().waiting().position("high")).isEqualTo(1);
        assertThat(engine.task().waiting().position("low-first")).isEqualTo(2);
        assertThat(engine.task().waiting().position("small")).isEqualTo(4);
        assertThat(engine.task().queueView().byPriority()).isEmpty(); // published by the sweep

        engine.release("r", "c1", "a").advance(Duration.ofSeconds(2));
        // 100 GB free: high (60) first; neither 60 GB low fits the 40 left, the 40 GB one does
        assertThat(engine.last("high").getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(engine.last("low-first").getStatus()).isEqualTo(AllocationStatus.WAITING);
        assertThat(engine.last("low-second").getStatus()).isEqualTo(AllocationStatus.WAITING);
        assertThat(engine.last("small").getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(engine.task().queueView().byPriority()).containsExactly(java.util.Map.entry(1, 2));

        // the next 60 GB freed goes to the low one that waited longer
        engine.confirmAll().release("r2", "c3", "high").advance(Duration.ofSeconds(2));
        assertThat(engine.last("low-first").getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(engine.last("low-second").getStatus()).isEqualTo(AllocationStatus.WAITING);
    }

    @Test
    void aWaitEndsWaitExpiredAtItsDeadlineWithOneDecision() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("a", "c1", 100).confirmAll();
        waitFor("w", "c2", 50, 0, 30);
        engine.advance(Duration.ofSeconds(20));
        assertThat(engine.last("w").getStatus()).isEqualTo(AllocationStatus.WAITING);
        engine.advance(Duration.ofSeconds(12));
        final AllocationResult expired = engine.last("w");
        assertThat(expired.getStatus()).isEqualTo(AllocationStatus.REJECTED);
        assertThat(expired.getReason()).isEqualTo(ReasonCode.WAIT_EXPIRED);
        assertThat(expired.getReasonDetail()).startsWith("waited 30 s for capacity and none freed");
        assertThat(decisions("w")).isEqualTo(1);
        assertThat(engine.task().waiting().size()).isZero();
        // freed later, it is not placed: its one decision is made
        engine.release("r", "c1", "a").advance(Duration.ofSeconds(2));
        assertThat(engine.resultsFor("w")).hasSize(2);
        assertThat(engine.task().queueView().waited().get(0).expired()).isEqualTo(1);
    }

    @Test
    void aReleaseOfAWaitingDemandWithdrawsIt() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("a", "c1", 100).confirmAll();
        waitFor("w", "c2", 50, 0, 600);
        engine.release("r", "c2", "w");
        assertThat(engine.last("w").getStatus()).isEqualTo(AllocationStatus.REJECTED);
        assertThat(engine.last("w").getReason()).isEqualTo(ReasonCode.WITHDRAWN);
        assertThat(engine.last("r").getStatus()).isEqualTo(AllocationStatus.RELEASED);
        assertThat(decisions("w")).isEqualTo(1);
        engine.release("r2", "c1", "a").advance(Duration.ofSeconds(2));
        assertThat(engine.resultsFor("w")).hasSize(2);
    }

    @Test
    void thePolicyGivesTheDefaultsAndAZeroWaitIsRejectedAtOnce() {
        engine.policy(Policy.newBuilder().setConsumerId("c2").setUpdatedAt(Instant.EPOCH).setMaxWaitSeconds(45L)
                .setPriority(7).build());
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("a", "c1", 100).confirmAll();
        engine.place("by-policy", "c2", 10);
        assertThat(engine.last("by-policy").getStatus()).isEqualTo(AllocationStatus.WAITING);
        assertThat(engine.last("by-policy").getReasonDetail()).startsWith("waiting up to 45 s");
        assertThat(engine.task().waiting().position("by-policy")).isEqualTo(1);
        waitFor("outranked", "c1", 10, 8, 60);
        assertThat(engine.task().waiting().position("outranked")).isEqualTo(1);

        engine.place("no-wait", "c2", 10, d -> d.setMaxWaitSeconds(0L));
        assertThat(engine.last("no-wait").getStatus()).isEqualTo(AllocationStatus.REJECTED);
        assertThat(engine.last("no-wait").getReason()).isEqualTo(ReasonCode.NO_CAPACITY);
        engine.place("no-policy", "c3", 10);
        assertThat(engine.last("no-policy").getReason()).isEqualTo(ReasonCode.NO_CAPACITY);
    }

    @Test
    void aWaitingDemandHoldsNoQuotaAndWaitsOnWhileItsQuotaIsFull() {
        engine.policy(Policy.newBuilder().setConsumerId("c2").setUpdatedAt(Instant.EPOCH).setMaxUnits(1).build());
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("a", "c1", 80).confirmAll();
        waitFor("w", "c2", 50, 0, 600);
        // the waiting demand holds nothing: the consumer's one allocation is free for this one
        engine.place("fits", "c2", 20);
        assertThat(engine.last("fits").getStatus()).isEqualTo(AllocationStatus.PLACED);

        // room frees, but the quota is in use: it waits on rather than being rejected
        engine.confirmAll().release("r", "c1", "a").advance(Duration.ofSeconds(2));
        assertThat(engine.last("w").getStatus()).isEqualTo(AllocationStatus.WAITING);
        assertThat(engine.task().waiting().position("w")).isEqualTo(1);

        engine.release("r2", "c2", "fits").advance(Duration.ofSeconds(2));
        assertThat(engine.last("w").getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(decisions("w")).isEqualTo(1);
    }

    @Test
    void aNewUnitWakesTheWaitingDemands() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("a", "c1", 100).confirmAll();
        waitFor("w", "c2", 50, 0, 600);
        engine.register("u2", "p1", "eu-west-1", 100, "1.00").advance(Duration.ofSeconds(2));
        assertThat(engine.last("w").getDataUnitId()).isEqualTo("u2");
    }

    @Test
    void aDemandNoUnitCouldEverHoldIsRejectedAtOnceInsteadOfWaiting() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("a", "c1", 100).confirmAll();
        waitFor("too-big", "c2", 150, 0, 600);
        assertThat(engine.last("too-big").getStatus()).isEqualTo(AllocationStatus.REJECTED);
        assertThat(decisions("too-big")).isEqualTo(1);
        // a unit in maintenance may come back: a demand it could hold waits for it
        engine.register("u2", "p1", "eu-west-1", 200, "1.00").changeState("u2", dev.orchestrator.avro.DataUnitState.MAINTENANCE);
        waitFor("fits-u2", "c2", 150, 0, 600);
        assertThat(engine.last("fits-u2").getStatus()).isEqualTo(AllocationStatus.WAITING);
        engine.changeState("u2", dev.orchestrator.avro.DataUnitState.AVAILABLE).advance(Duration.ofSeconds(2));
        assertThat(engine.last("fits-u2").getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(engine.last("fits-u2").getDataUnitId()).isEqualTo("u2");
    }

    @Test
    void anOutOfRangePriorityOrWaitIsDeadLettered() {
        engine.place("bad-priority", "c1", 10, d -> d.setPriority(1001));
        engine.place("bad-wait", "c1", 10, d -> d.setMaxWaitSeconds(-1L));
        engine.place("huge-wait", "c1", 10, d -> d.setMaxWaitSeconds(Long.MAX_VALUE));
        assertThat(engine.allocations).filteredOn(a -> a.getDemandId().startsWith("bad") || a.getDemandId().equals("huge-wait"))
                .allSatisfy(a -> {
                    assertThat(a.getReason()).isEqualTo(ReasonCode.INVALID_INPUT);
                    assertThat(a.getReasonDetail()).containsAnyOf("priority", "maxWaitSeconds");
                }).hasSize(3);
    }
}
