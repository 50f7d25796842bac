package dev.orchestrator.topology.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stack engine's rules on the example three-tier stack, with the engine's answers written by hand. */
class StackMachineTest extends ExampleStackDriver {
    @Test
    void theExampleStackIsCreatedInDependencyOrderThroughDemandsAndReportsItsOutputs() throws Exception {
        final List<Demand> first = create(Map.of());
        assertThat(first).extracting(Demand::getDemandId).containsExactly("stack:s1/t1/weights/0");
        assertThat(first.get(0).getResources().getStorage().getAmount()).isEqualTo("200");
        assertThat(first.get(0).getRegions()).containsExactly("eu-west-1");

        assertThat(answer("stack:s1/t1/weights/0", "PLACED", "NONE")).as("placed, not provisioned yet").isEmpty();
        final List<Demand> pool = answer("stack:s1/t1/weights/0", "ACTIVE", "NONE");
        assertThat(pool).extracting(Demand::getDemandId).containsExactly("stack:s1/t1/pool/0", "stack:s1/t1/pool/1");
        assertThat(pool.get(0).getResources().getGpuType()).isEqualTo("a100");
        assertThat(pool.get(0).getResources().getGpuCount()).isEqualTo(1);
        assertThat(stack.resources().get("weights").status()).isEqualTo("CREATE_COMPLETE");
        assertThat(stack.resources().get("weights").attributes()).containsEntry("endpoint", "sim://stack:s1/t1/weights/0");

        assertThat(answer("stack:s1/t1/pool/0", "ACTIVE", "NONE")).isEmpty();
        assertThat(stack.status()).isEqualTo("CREATE_IN_PROGRESS");
        assertThat(answer("stack:s1/t1/pool/1", "ACTIVE", "NONE")).as("deployment and route are logical").isEmpty();

        assertThat(stack.status()).isEqualTo("CREATE_COMPLETE");
        assertThat(stack.resources().get("vllm").attributes().get("endpoints"))
                .isEqualTo(List.of("sim://stack:s1/t1/pool/0", "sim://stack:s1/t1/pool/1"));
        assertThat(stack.outputs()).containsEntry("url", "sim://stack:s1/t1/pool/0/v1");
        assertThat(stack.events()).extracting(e -> e.resource() + " " + e.status()).containsExactly(
                " CREATE_IN_PROGRESS", "weights CREATE_IN_PROGRESS", "weights CREATE_COMPLETE", "pool CREATE_IN_PROGRESS",
                "pool CREATE_COMPLETE", "vllm CREATE_IN_PROGRESS", "vllm CREATE_COMPLETE", "api CREATE_IN_PROGRESS",
                "api CREATE_COMPLETE", " CREATE_COMPLETE");
        assertThat(stack.events()).extracting(StackRecord.Event::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    }

    @Test
    void aRedeliveredOutcomeSendsNothingTwice() throws Exception {
        create(Map.of("replicas", "1"));
        final List<Demand> pool = answer("stack:s1/t1/weights/0", "ACTIVE", "NONE");
        assertThat(pool).hasSize(1);
        final StackRecord before = stack;

        assertThat(answer("stack:s1/t1/weights/0", "ACTIVE", "NONE")).isEmpty();
        assertThat(stack.events()).isEqualTo(before.events());
        assertThat(stack.inputs()).isEqualTo(before.inputs());
    }

    @Test
    void aRejectedReplicaFailsTheStackAndRollsBackReleasingWhatWasPlaced() throws Exception {
        create(Map.of());
        answer("stack:s1/t1/weights/0", "ACTIVE", "NONE");
        answer("stack:s1/t1/pool/0", "PLACED", "NONE");

        final List<Demand> releases = answer("stack:s1/t1/pool/1", "REJECTED", "NO_CAPACITY");

        assertThat(stack.status()).isEqualTo("ROLLBACK_IN_PROGRESS");
        assertThat(stack.reason()).isEqualTo("resource pool failed: REJECTED: NO_CAPACITY (stack:s1/t1/pool/1)");
        assertThat(stack.events()).extracting(e -> e.resource() + " " + e.status() + " " + e.reason()).contains(
                "pool CREATE_FAILED REJECTED: NO_CAPACITY (stack:s1/t1/pool/1)",
                " CREATE_FAILED resource pool failed: REJECTED: NO_CAPACITY (stack:s1/t1/pool/1)");
        // the failed pool's placed replica and the created storage go; the storage once nothing depends on it
        assertThat(releases).extracting(Demand::getType, Demand::getReleaseOf).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(DemandType.RELEASE, "stack:s1/t1/pool/0"),
                org.assertj.core.groups.Tuple.tuple(DemandType.RELEASE, "stack:s1/t1/weights/0"));
        answer("stack:s1/t1/pool/0", "RELEASED", "NONE");
        answer("stack:s1/t1/weights/0", "RELEASED", "NONE");
        assertThat(stack.status()).isEqualTo("ROLLBACK_COMPLETE");
        assertThat(stack.reason()).as("the failure stays named").startsWith("resource pool failed");
    }

    @Test
    void aDeleteReleasesEveryDemandAndCompletesWhenAllAreReleased() throws Exception {
        create(Map.of("replicas", "1"));
        answer("stack:s1/t1/weights/0", "ACTIVE", "NONE");
        answer("stack:s1/t1/pool/0", "ACTIVE", "NONE");
        assertThat(stack.status()).isEqualTo("CREATE_COMPLETE");

        final List<Demand> releases = apply(new StackInput.Delete("s1", "test", now));
        // route and deployment hold nothing and go at once; then the pool is released, then the storage
        assertThat(releases).extracting(Demand::getReleaseOf).containsExactly("stack:s1/t1/pool/0");
        assertThat(releases.get(0).getDemandId()).isEqualTo("stack:s1/t1/pool/0.r");
        assertThat(answer("stack:s1/t1/pool/0", "RELEASED", "NONE")).extracting(Demand::getReleaseOf)
                .containsExactly("stack:s1/t1/weights/0");
        answer("stack:s1/t1/weights/0", "RELEASED", "NONE");
        assertThat(stack.status()).isEqualTo("DELETE_COMPLETE");

        // the id is free again: a new create is a new traversal with demands of its own
        assertThat(create(Map.of())).extracting(Demand::getDemandId).containsExactly("stack:s1/t2/weights/0");
    }

    @Test
    void aCreateOfAStackThatExistsAndADeleteOfOneThatDoesNotAreRefused() throws Exception {
        create(Map.of());
        final StackMachine.Result again = machine.apply(stack, new StackInput.Create("s1", "team-a", example(), Map.of(),
                true, "test", now), now);
        assertThat(again.refused()).isEqualTo("stack s1 exists (CREATE_IN_PROGRESS)");
        assertThat(again.demands()).isEmpty();
        assertThat(machine.apply(null, new StackInput.Delete("s2", "test", now), now).refused()).isEqualTo("no stack s2");
    }

    @Test
    void stackDemandIdsNameTheirStack() {
        assertThat(StackMachine.stackOf("stack:s1/t1/pool/0")).contains("s1");
        assertThat(StackMachine.stackOf("stack:s1/t1/pool/0.r")).contains("s1");
        assertThat(StackMachine.stackOf("demand-17")).isEmpty();
        assertThat(StackMachine.stackOf("stack:nothing")).isEmpty();
    }

    @Test
    void aStackThatWouldMakeMoreDemandsThanItsRecordHoldsFailsTheResourceThatCrossesTheLine() {
        final StringBuilder template = new StringBuilder("resources:\n");
        for (int p = 0; p < 16; p++) {
            template.append("  pool").append(p).append(": {type: orchestrator::compute_pool, properties: {min_replicas: 64, max_replicas: 64}}\n");
        }
        final StackMachine.Result result = machine.apply(null, new StackInput.Create("s1", "team-a", template.toString(), Map.of(),
                false, "test", now), now);

        assertThat(result.demands()).hasSize(15 * 64);
        assertThat(result.record().status()).isEqualTo("CREATE_FAILED");
        assertThat(result.record().resources().get("pool9").reason()).isEqualTo("the stack would make more than 1000 demands");
    }

    @Test
    void anUpdateScalesAPoolInPlaceAddingOnlyTheMissingReplicasAndLeavesTheRestAlone() throws Exception {
        created(2);

        final List<Demand> more = update(null, Map.of("replicas", "3"));

        assertThat(more).extracting(Demand::getDemandId).containsExactly("stack:s1/t2/pool/2");
        assertThat(stack.status()).isEqualTo("UPDATE_IN_PROGRESS");
        assertThat(stack.resources().get("weights").status()).as("unchanged: adopted").isEqualTo("CREATE_COMPLETE");
        answer("stack:s1/t2/pool/2", "ACTIVE", "NONE");
        assertThat(stack.status()).isEqualTo("UPDATE_COMPLETE");
        assertThat(stack.resources().get("pool").attributes().get("ready_replicas")).isEqualTo("3");

        // and back down to one: the two highest-numbered replicas are released
        final List<Demand> fewer = update(null, Map.of("replicas", "1"));
        assertThat(fewer).extracting(Demand::getReleaseOf).containsExactlyInAnyOrder("stack:s1/t2/pool/2", "stack:s1/t1/pool/1");
        assertThat(stack.status()).isEqualTo("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS");
        answer("stack:s1/t2/pool/2", "RELEASED", "NONE");
        answer("stack:s1/t1/pool/1", "RELEASED", "NONE");
        assertThat(stack.status()).isEqualTo("UPDATE_COMPLETE");
        assertThat(stack.resources().get("pool").attributes().get("ready_replicas")).isEqualTo("1");
    }

    @Test
    void aReplacingChangeCreatesTheNewReplicasBeforeTheOldOnesAreReleased() throws Exception {
        created(2);

        final List<Demand> replaced = update(null, Map.of("gpu", "L4"));

        assertThat(replaced).extracting(Demand::getDemandId).containsExactly("stack:s1/t2/pool/0", "stack:s1/t2/pool/1");
        assertThat(replaced).allSatisfy(d -> assertThat(d.getResources().getGpuType()).isEqualTo("l4"));
        answer("stack:s1/t2/pool/0", "ACTIVE", "NONE");
        final List<Demand> releases = answer("stack:s1/t2/pool/1", "ACTIVE", "NONE");
        assertThat(releases).as("the old pool goes once the new one is ready").extracting(Demand::getReleaseOf)
                .containsExactlyInAnyOrder("stack:s1/t1/pool/0", "stack:s1/t1/pool/1");
        assertThat(stack.status()).isEqualTo("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS");
        assertThat(stack.resources().get("vllm").attributes().get("endpoints")).as("the deployment reads the new pool")
                .isEqualTo(List.of("sim://stack:s1/t2/pool/0", "sim://stack:s1/t2/pool/1"));
        answer("stack:s1/t1/pool/0", "RELEASED", "NONE");
        answer("stack:s1/t1/pool/1", "RELEASED", "NONE");
        assertThat(stack.status()).isEqualTo("UPDATE_COMPLETE");
        assertThat(stack.events()).extracting(e -> e.resource() + " " + e.status()).containsSubsequence(
                " UPDATE_IN_PROGRESS", "pool UPDATE_IN_PROGRESS", "pool UPDATE_COMPLETE", " UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
                " UPDATE_COMPLETE");
    }

    @Test
    void aFailedScaleUpTakesBackOnlyWhatItAddedAndANewerUpdateSupersedesARunningOne() throws Exception {
        created(1);
        update(null, Map.of("replicas", "3"));

        // superseded while its two new replicas are pending: the newer asks for 2, keeping one of them
        final List<Demand> newer = update(null, Map.of("replicas", "2"));
        assertThat(newer).as("the one it drops is not placed yet: released once it is").isEmpty();
        assertThat(answer("stack:s1/t2/pool/2", "PLACED", "NONE")).extracting(Demand::getReleaseOf)
                .containsExactly("stack:s1/t2/pool/2");
        answer("stack:s1/t2/pool/1", "PLACED", "NONE");
        assertThat(stack.resources().get("pool").attributes()).as("pool state: wanted, placed, ready")
                .containsEntry("wanted_replicas", "2").containsEntry("placed_replicas", "2").containsEntry("ready_replicas", "1");
        assertThat(stack.status()).isEqualTo("UPDATE_IN_PROGRESS");
        // its kept replica is refused: the update fails, and the replica from before keeps serving
        final List<Demand> cleanup = answer("stack:s1/t2/pool/1", "REJECTED", "NO_CAPACITY");
        assertThat(stack.status()).isEqualTo("UPDATE_FAILED");
        assertThat(cleanup).extracting(Demand::getReleaseOf).doesNotContain("stack:s1/t1/pool/0");
        assertThat(stack.replicas().get("stack:s1/t1/pool/0").releasing()).isFalse();
    }

    @Test
    void aStackBeingCreatedIsNotUpdated() throws Exception {
        create(Map.of());
        final StackMachine.Result refused = machine.apply(stack, new StackInput.Update("s1", null, Map.of("replicas", "3"),
                "test", now), now);
        assertThat(refused.refused()).isEqualTo("stack s1 is CREATE_IN_PROGRESS: only a created or updated stack is updated");
    }
}
