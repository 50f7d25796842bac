package dev.orchestrator.topology.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A model deployment on the example stack's pool: its workload on every replica, rollouts, and what a rollout does when it fails. */
class StackRolloutTest extends ExampleStackDriver {
    @Test
    void thePoolsReplicasCarryTheDeploymentsWorkloadToTheExecutor() throws Exception {
        create(Map.of());
        final List<Demand> pool = answer("stack:s1/t1/weights/0", "ACTIVE", "NONE");

        assertThat(pool).allSatisfy(d -> assertThat(d.getLabels()).containsEntry("workload.image", "vllm/vllm-openai:v0.6.3")
                .containsEntry("workload.model", "meta-llama/Llama-3.1-8B-Instruct").containsEntry("workload.ports", "8000")
                .containsEntry("workload.deployment", "s1-vllm")
                // its environment, resolved (the storage's endpoint), for the container: values URL-encoded
                .containsEntry("workload.env", "WEIGHTS=sim%3A%2F%2Fstack%3As1%2Ft1%2Fweights%2F0"));
        // the replicas keep a digest of it, never the values (they may be secrets)
        assertThat(stack.replicas().values()).filteredOn(r -> r.resource().equals("pool")).allSatisfy(r ->
                assertThat(r.workload()).contains("workload.env=sha256:").doesNotContain("weights/0"));
        answer("stack:s1/t1/pool/0", "ACTIVE", "NONE");
        answer("stack:s1/t1/pool/1", "ACTIVE", "NONE");
        assertThat(stack.resources().get("vllm").status()).as("its replicas run it already: nothing to roll")
                .isEqualTo("CREATE_COMPLETE");
    }

    @Test
    void aNewImageRollsOutOneReplicaAtATimeNeverBelowThePoolsCount() throws Exception {
        created(2);

        final String newer = example().replace("vllm/vllm-openai:v0.6.3", "vllm/vllm-openai:v0.7.0");
        final List<Demand> first = update(newer, Map.of("replicas", "2"));

        assertThat(first).extracting(Demand::getDemandId).as("one replica more, with the new image")
                .containsExactly("stack:s1/t2/pool/2");
        assertThat(first.get(0).getLabels()).containsEntry("workload.image", "vllm/vllm-openai:v0.7.0");
        assertThat(stack.resources().get("pool").status()).as("the pool itself is unchanged").isEqualTo("CREATE_COMPLETE");
        assertThat(answer("stack:s1/t2/pool/2", "PLACED", "NONE")).as("not serving yet: nothing goes").isEmpty();
        final List<Demand> second = answer("stack:s1/t2/pool/2", "ACTIVE", "NONE");
        assertThat(second).extracting(d -> d.getType() == DemandType.RELEASE ? "release " + d.getReleaseOf() : d.getDemandId())
                .containsExactly("release stack:s1/t1/pool/0", "stack:s1/t2/pool/3");
        assertThat(stack.resources().get("pool").attributes()).containsEntry("ready_replicas", "2");
        assertThat(stack.resources().get("vllm").status()).isEqualTo("UPDATE_IN_PROGRESS");
        final List<Demand> last = answer("stack:s1/t2/pool/3", "ACTIVE", "NONE");
        assertThat(last).extracting(Demand::getReleaseOf).containsExactly("stack:s1/t1/pool/1");
        assertThat(stack.resources().get("vllm").status()).isEqualTo("UPDATE_COMPLETE");
        assertThat(stack.resources().get("vllm").attributes().get("endpoints"))
                .isEqualTo(List.of("sim://stack:s1/t2/pool/2", "sim://stack:s1/t2/pool/3"));
        answer("stack:s1/t1/pool/0", "RELEASED", "NONE");
        answer("stack:s1/t1/pool/1", "RELEASED", "NONE");
        assertThat(stack.status()).isEqualTo("UPDATE_COMPLETE");
        assertThat(stack.events()).extracting(e -> e.resource() + " " + e.status()).containsSubsequence(
                " UPDATE_IN_PROGRESS", "vllm UPDATE_IN_PROGRESS", "vllm UPDATE_COMPLETE", " UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
                " UPDATE_COMPLETE");
    }

    @Test
    void aReplicaWithTheNewImageLostAfterServingIsReplacedAndTheRolloutGoesOn() throws Exception {
        created(2);
        update(example().replace("vllm/vllm-openai:v0.6.3", "vllm/vllm-openai:v0.7.0"), Map.of("replicas", "2"));
        answer("stack:s1/t2/pool/2", "ACTIVE", "NONE");

        final List<Demand> replaced = answer("stack:s1/t2/pool/2", "EXPIRED", "EXECUTION_FAILED");

        assertThat(replaced).extracting(Demand::getDemandId).contains("stack:s1/t2/pool/4");
        assertThat(stack.resources().get("vllm").status()).isEqualTo("UPDATE_IN_PROGRESS");
        answer("stack:s1/t2/pool/3", "ACTIVE", "NONE");
        answer("stack:s1/t2/pool/4", "ACTIVE", "NONE");
        assertThat(stack.resources().get("vllm").status()).isEqualTo("UPDATE_COMPLETE");
        assertThat(stack.resources().get("vllm").attributes().get("endpoints"))
                .isEqualTo(List.of("sim://stack:s1/t2/pool/3", "sim://stack:s1/t2/pool/4"));
    }

    @Test
    void aRolloutWhoseNewReplicaCannotBePlacedFailsAndTheOldReplicasKeepServing() throws Exception {
        created(2);
        update(example().replace("vllm/vllm-openai:v0.6.3", "vllm/vllm-openai:v0.7.0"), Map.of("replicas", "2"));

        answer("stack:s1/t2/pool/2", "REJECTED", "NO_CAPACITY");

        assertThat(stack.status()).isEqualTo("UPDATE_FAILED");
        assertThat(stack.resources().get("vllm").reason()).contains("NO_CAPACITY", "stack:s1/t2/pool/2");
        assertThat(stack.replicas().get("stack:s1/t1/pool/0").releasing()).isFalse();
        assertThat(stack.replicas().get("stack:s1/t1/pool/1").releasing()).isFalse();
        assertThat(stack.resources().get("pool").attributes()).containsEntry("ready_replicas", "2");
    }

    @Test
    void anImageNoExecutorWouldRunFailsTheDeploymentWithTheReason() throws Exception {
        created(1);

        update(example().replace("vllm/vllm-openai:v0.6.3", "'vllm; rm -rf /'"), Map.of("replicas", "1"));

        assertThat(stack.status()).isEqualTo("UPDATE_FAILED");
        assertThat(stack.resources().get("vllm").reason()).contains("is not a container image reference");
    }
}
