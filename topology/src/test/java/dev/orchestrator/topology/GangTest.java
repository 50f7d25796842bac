package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.emit.Decisions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Gang placement: at least a group's minimum of members placed together, or none, within its timeout. */
class GangTest {
    private final EngineHarness engine = new EngineHarness();

    @AfterEach
    void close() {
        engine.close();
    }

    private static Consumer<Demand.Builder> group(final String group, final int min) {
        return d -> d.setGroupId(group).setMinMembers(min);
    }

    private GangTest member(final String demand, final long gb, final String group, final int min) {
        engine.place(demand, "c1", gb, group(group, min));
        return this;
    }

    private long decisions(final String demand) {
        return engine.resultsFor(demand).stream().filter(Decisions::isDecision).count();
    }

    private List<AllocationStatus> statuses(final String... demands) {
        return java.util.Arrays.stream(demands).map(d -> engine.last(d).getStatus()).toList();
    }

    @Test
    void aGangIsPlacedOnlyWhenItsMinimumFitsTogetherAndThenAllAtOnce() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").register("u2", "p1", "eu-west-1", 100, "1.00");
        member("t1", 60, "train", 3).member("t2", 60, "train", 3);
        assertThat(statuses("t1", "t2")).containsOnly(AllocationStatus.WAITING);
        assertThat(engine.last("t2").getReasonDetail()).startsWith("gathering group train: 2 of at least 3 members here");

        // three 60 GB members, two 100 GB units: two would fit alone, the gang does not, so none is placed
        member("t3", 60, "train", 3);
        assertThat(statuses("t1", "t2", "t3")).containsOnly(AllocationStatus.WAITING);
        assertThat(engine.unit("u1").reservations()).isEmpty();
        assertThat(engine.unit("u2").reservations()).isEmpty();
        assertThat(engine.commands).isEmpty();
        // a demand alone still takes what is free: the gang holds nothing while it gathers
        engine.place("alone", "c2", 30);
        assertThat(engine.last("alone").getStatus()).isEqualTo(AllocationStatus.PLACED);

        final int before = engine.allocations.size();
        engine.register("u3", "p1", "eu-west-1", 100, "1.00").advance(Duration.ofSeconds(2));
        assertThat(statuses("t1", "t2", "t3")).containsOnly(AllocationStatus.PLACED);
        assertThat(engine.last("t1").getReasonDetail()).contains("placed with group train: 3 of 3 members together");
        assertThat(List.of(engine.last("t1").getDataUnitId(), engine.last("t2").getDataUnitId(),
                engine.last("t3").getDataUnitId())).doesNotHaveDuplicates();
        // the three placements are consecutive records of one call, so of one transaction
        assertThat(engine.allocations.subList(before, engine.allocations.size()))
                .filteredOn(a -> a.getStatus() == AllocationStatus.PLACED).extracting(AllocationResult::getDemandId)
                .containsExactlyInAnyOrder("t1", "t2", "t3");
        for (final String member : List.of("t1", "t2", "t3")) {
            assertThat(decisions(member)).isEqualTo(1);
            assertThat(engine.allocationActions(member)).containsExactly("WAITING", "PLACED");
        }
    }

    @Test
    void aGangThatDoesNotGatherInTimeIsRejectedGangTimeoutAndTheNextMemberStartsAgain() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00");
        engine.place("g1", "c1", 10, d -> d.setGroupId("job").setMinMembers(3).setGroupTimeoutSeconds(30L));
        engine.advance(Duration.ofSeconds(10));
        engine.place("g2", "c1", 10, d -> d.setGroupId("job").setMinMembers(3).setGroupTimeoutSeconds(30L));
        assertThat(engine.last("g2").getReasonDetail()).endsWith("or REJECTED GANG_TIMEOUT in 20 s");
        engine.advance(Duration.ofSeconds(15));
        assertThat(statuses("g1", "g2")).containsOnly(AllocationStatus.WAITING);

        engine.advance(Duration.ofSeconds(6));
        for (final String member : List.of("g1", "g2")) {
            final AllocationResult end = engine.last(member);
            assertThat(end.getStatus()).isEqualTo(AllocationStatus.REJECTED);
            assertThat(end.getReason()).isEqualTo(ReasonCode.GANG_TIMEOUT);
            assertThat(end.getReasonDetail()).startsWith("group job did not place 3 members together within 30 s: 2 gathered");
            assertThat(decisions(member)).isEqualTo(1);
        }
        assertThat(engine.unit("u1").reservations()).isEmpty();

        // the group's time is over: a member arriving now gathers a new gang, with its own deadline
        engine.place("g3", "c1", 10, d -> d.setGroupId("job").setMinMembers(3).setGroupTimeoutSeconds(30L));
        assertThat(engine.last("g3").getStatus()).isEqualTo(AllocationStatus.WAITING);
        assertThat(engine.last("g3").getReasonDetail()).startsWith("gathering group job: 1 of at least 3");
    }

    @Test
    void theEnginesDefaultTimeoutAppliesWhenTheMembersNameNone() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00");
        member("d1", 10, "default", 2);
        engine.advance(Duration.ofSeconds(59));
        assertThat(engine.last("d1").getStatus()).isEqualTo(AllocationStatus.WAITING);
        engine.advance(Duration.ofSeconds(2));
        assertThat(engine.last("d1").getReason()).isEqualTo(ReasonCode.GANG_TIMEOUT);
    }

    @Test
    void membersBeyondWhatFitsWaitAloneAndMembersAfterThePlacementArePlacedAlone() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("big", "c2", 100).confirmAll();
        member("m1", 60, "pool", 2).member("m2", 60, "pool", 2).member("m3", 60, "pool", 2);
        assertThat(statuses("m1", "m2", "m3")).containsOnly(AllocationStatus.WAITING);

        engine.register("u2", "p1", "eu-west-1", 100, "1.00").register("u3", "p1", "eu-west-1", 100, "1.00")
                .advance(Duration.ofSeconds(2));
        // two fit together, the minimum: they are placed; the third waits alone for room until the gang's deadline
        assertThat(engine.allocations).filteredOn(a -> a.getStatus() == AllocationStatus.PLACED
                && a.getReasonDetail() != null && a.getReasonDetail().contains("group pool")).hasSize(2);
        final String waiting = List.of("m1", "m2", "m3").stream()
                .filter(m -> engine.last(m).getStatus() == AllocationStatus.WAITING).findFirst().orElseThrow();
        assertThat(engine.task().waiting().position(waiting)).isEqualTo(1);
        // a member arriving after the gang was placed is placed alone
        member("m4", 20, "pool", 2);
        assertThat(engine.last("m4").getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(String.valueOf(engine.last("m4").getReasonDetail())).doesNotContain("group");

        engine.release("r", "c2", "big").advance(Duration.ofSeconds(2));
        assertThat(engine.last(waiting).getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(engine.last(waiting).getReasonDetail()).startsWith("placed after waiting");
        for (final String member : List.of("m1", "m2", "m3", "m4")) {
            assertThat(decisions(member)).isEqualTo(1);
        }
    }

    @Test
    void aGangNeedsItsConsumersQuotaForAllItsMembersTogether() {
        engine.policy(Policy.newBuilder().setConsumerId("c1").setUpdatedAt(Instant.EPOCH).setMaxUnits(2).build());
        engine.register("u1", "p1", "eu-west-1", 100, "1.00");
        for (final String q : List.of("q1", "q2", "q3")) {
            engine.place(q, "c1", 10, d -> d.setGroupId("q").setMinMembers(3).setGroupTimeoutSeconds(20L));
        }
        // the room is there, the quota (2 allocations) is not: none of the three is placed
        assertThat(statuses("q1", "q2", "q3")).containsOnly(AllocationStatus.WAITING);
        assertThat(engine.unit("u1").reservations()).isEmpty();
        engine.advance(Duration.ofSeconds(21));
        assertThat(statuses("q1", "q2", "q3")).containsOnly(AllocationStatus.REJECTED);
        assertThat(engine.last("q1").getReasonDetail()).contains("quota or budget does not cover the members together");

        // within its quota a gang of two is placed
        member("p1", 10, "pair", 2).member("p2", 10, "pair", 2);
        assertThat(statuses("p1", "p2")).containsOnly(AllocationStatus.PLACED);
    }

    @Test
    void aWithdrawnMemberLeavesItsGangAndAnotherConsumersSameGroupIsAnotherGang() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00");
        member("w1", 10, "grp", 2);
        engine.release("r1", "c1", "w1");
        assertThat(engine.last("w1").getStatus()).isEqualTo(AllocationStatus.REJECTED);
        assertThat(engine.last("w1").getReason()).isEqualTo(ReasonCode.WITHDRAWN);
        assertThat(engine.last("w1").getReasonDetail()).isEqualTo("withdrawn by r1 while gathering with group grp");
        // another consumer naming the same group does not join c1's gang
        engine.place("x1", "c2", 10, group("grp", 2));
        member("w2", 10, "grp", 2);
        assertThat(statuses("x1", "w2")).containsOnly(AllocationStatus.WAITING);
        member("w3", 10, "grp", 2);
        assertThat(statuses("w2", "w3")).containsOnly(AllocationStatus.PLACED);
        assertThat(engine.last("x1").getStatus()).isEqualTo(AllocationStatus.WAITING);
        assertThat(decisions("w1")).isEqualTo(1);
    }

    @Test
    void aMemberNamingAnotherMinimumIsRejectedAndHalfNamedGangsAreDeadLettered() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00");
        member("a1", 10, "g", 3);
        member("a2", 10, "g", 2);
        assertThat(engine.last("a2").getStatus()).isEqualTo(AllocationStatus.REJECTED);
        assertThat(engine.last("a2").getReason()).isEqualTo(ReasonCode.INVALID_INPUT);
        assertThat(engine.last("a2").getReasonDetail()).isEqualTo("group g places 3 members together; this demand says minMembers 2");
        assertThat(engine.last("a1").getStatus()).isEqualTo(AllocationStatus.WAITING);

        engine.place("b1", "c1", 10, d -> d.setGroupId("g"));
        engine.place("b2", "c1", 10, d -> d.setMinMembers(2));
        engine.place("b3", "c1", 10, d -> d.setGroupId("g").setMinMembers(0));
        engine.place("b4", "c1", 10, d -> d.setGroupId("g").setMinMembers(257));
        engine.place("b5", "c1", 10, d -> d.setGroupId("g").setMinMembers(2).setGroupTimeoutSeconds(0L));
        engine.place("b6", "c1", 10, d -> d.setGroupId("g").setMinMembers(2).setGroupTimeoutSeconds(Long.MAX_VALUE));
        engine.place("b7", "c1", 10, d -> d.setGroupId("bad group!").setMinMembers(2));
        engine.place("b8", "c1", 10, d -> d.setGroupTimeoutSeconds(5L));
        assertThat(engine.deadLetters).extracting(r -> header(r, "orchestrator.error.field")).containsExactly(
                "minMembers", "minMembers", "minMembers", "minMembers", "groupTimeoutSeconds", "groupTimeoutSeconds",
                "groupId", "groupTimeoutSeconds");
        for (final String bad : List.of("b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8")) {
            assertThat(engine.last(bad).getReason()).isEqualTo(ReasonCode.INVALID_INPUT);
        }
        // the engine goes on: the gang still gathers
        member("a3", 10, "g", 3).member("a4", 10, "g", 3);
        assertThat(statuses("a1", "a3", "a4")).containsOnly(AllocationStatus.PLACED);
    }

    private static String header(final TestRecord<byte[], byte[]> record, final String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
