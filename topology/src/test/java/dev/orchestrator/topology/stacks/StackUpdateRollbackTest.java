package dev.orchestrator.topology.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A failed update of the example stack: what it keeps serving, and the update back when it asked for one. */
class StackUpdateRollbackTest extends ExampleStackDriver {
    @Test
    void aFailedReplacementKeepsTheReplicasFromBeforeServingAndTakesBackWhatItPlaced() throws Exception {
        created(2);
        update(null, Map.of("gpu", "L4"));
        answer("stack:s1/t2/pool/0", "ACTIVE", "NONE");

        final List<Demand> after = answer("stack:s1/t2/pool/1", "REJECTED", "NO_CAPACITY");

        assertThat(stack.status()).isEqualTo("UPDATE_FAILED");
        assertThat(after).extracting(Demand::getReleaseOf).as("only what the failed update placed")
                .containsExactly("stack:s1/t2/pool/0");
        assertThat(stack.replicas().get("stack:s1/t1/pool/0").releasing()).isFalse();
        assertThat(stack.replicas().get("stack:s1/t1/pool/1").releasing()).isFalse();
        assertThat(stack.resources().get("pool").attributes()).as("the a100 replicas keep serving")
                .containsEntry("ready_replicas", "2");
        assertThat(stack.resources().get("vllm").attributes().get("endpoints"))
                .isEqualTo(List.of("sim://stack:s1/t1/pool/0", "sim://stack:s1/t1/pool/1"));
    }

    @Test
    void aFailedScaleUpThatAskedForItIsRolledBackToTheCountBefore() throws Exception {
        created(1);
        updateOrRollBack(null, Map.of("replicas", "3"));
        answer("stack:s1/t2/pool/1", "ACTIVE", "NONE");

        final List<Demand> back = answer("stack:s1/t2/pool/2", "REJECTED", "NO_CAPACITY");

        assertThat(back).extracting(Demand::getReleaseOf).containsExactly("stack:s1/t2/pool/1");
        assertThat(stack.traversal()).isEqualTo("t3");
        assertThat(stack.parameters()).containsEntry("replicas", "1");
        answer("stack:s1/t2/pool/1", "RELEASED", "NONE");
        assertThat(stack.status()).isEqualTo("ROLLBACK_COMPLETE");
        assertThat(stack.resources().get("pool").attributes()).containsEntry("wanted_replicas", "1")
                .containsEntry("ready_replicas", "1");
        assertThat(stack.events()).extracting(e -> e.resource() + " " + e.status()).containsSubsequence(
                " UPDATE_IN_PROGRESS", "pool UPDATE_FAILED", " UPDATE_FAILED", " ROLLBACK_IN_PROGRESS", "pool UPDATE_IN_PROGRESS",
                "pool UPDATE_COMPLETE", " ROLLBACK_COMPLETE");
        assertThat(StackMachine.updatable(stack)).as("a rolled-back update may be updated again").isTrue();
        assertThat(StackCheck.of(stack, now).status()).isEqualTo("IN_SYNC");
    }

    @Test
    void aFailedReplacementThatAskedForItGetsItsReplicasFromBeforeBackWithoutPlacingThemAgain() throws Exception {
        created(2);
        updateOrRollBack(null, Map.of("gpu", "L4"));
        answer("stack:s1/t2/pool/0", "ACTIVE", "NONE");

        final List<Demand> back = answer("stack:s1/t2/pool/1", "REJECTED", "NO_CAPACITY");

        assertThat(back).extracting(d -> d.getType() == DemandType.RELEASE ? "release " + d.getReleaseOf() : d.getDemandId())
                .containsExactly("release stack:s1/t2/pool/0");
        assertThat(stack.parameters()).doesNotContainKey("gpu");
        answer("stack:s1/t2/pool/0", "RELEASED", "NONE");
        assertThat(stack.status()).isEqualTo("ROLLBACK_COMPLETE");
        assertThat(stack.resources().get("vllm").attributes().get("endpoints"))
                .isEqualTo(List.of("sim://stack:s1/t1/pool/0", "sim://stack:s1/t1/pool/1"));
    }

    @Test
    void aFailedRolloutThatAskedForItRollsTheOldImageBackOnReplicaByReplica() throws Exception {
        created(2);
        updateOrRollBack(example().replace("vllm/vllm-openai:v0.6.3", "vllm/vllm-openai:v0.7.0"), Map.of("replicas", "2"));
        answer("stack:s1/t2/pool/2", "ACTIVE", "NONE"); // t1/pool/0 released, t2/pool/3 asked for

        final List<Demand> back = answer("stack:s1/t2/pool/3", "REJECTED", "NO_CAPACITY");

        assertThat(stack.status()).isEqualTo("ROLLBACK_IN_PROGRESS");
        assertThat(back).extracting(Demand::getDemandId).as("one replica with the old image").containsExactly("stack:s1/t3/pool/4");
        assertThat(back.get(0).getLabels()).containsEntry("workload.image", "vllm/vllm-openai:v0.6.3");
        final List<Demand> last = answer("stack:s1/t3/pool/4", "ACTIVE", "NONE");
        assertThat(last).extracting(Demand::getReleaseOf).containsExactly("stack:s1/t2/pool/2");
        answer("stack:s1/t1/pool/0", "RELEASED", "NONE");
        answer("stack:s1/t2/pool/2", "RELEASED", "NONE");
        assertThat(stack.status()).isEqualTo("ROLLBACK_COMPLETE");
        assertThat(StackCheck.of(stack, now).drift()).isEmpty();
    }
}
