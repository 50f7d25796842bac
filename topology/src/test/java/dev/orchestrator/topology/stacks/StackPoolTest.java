package dev.orchestrator.topology.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example stack's pool once created: a lost replica replaced, autoscaling toward its target utilization. */
class StackPoolTest extends ExampleStackDriver {
    @Test
    void aServingReplicaLostToItsUnitIsReplacedAndAReplacementWithNoRoomIsNotAskedForAgain() throws Exception {
        created(2);

        final List<Demand> replacement = answer("stack:s1/t1/pool/0", "EXPIRED", "EXECUTION_FAILED");

        assertThat(replacement).extracting(Demand::getDemandId).containsExactly("stack:s1/t1/pool/2");
        assertThat(replacement.get(0).getLabels()).containsEntry("workload.image", "vllm/vllm-openai:v0.6.3");
        assertThat(stack.events().get(stack.events().size() - 1).reason())
                .isEqualTo("replica stack:s1/t1/pool/0 lost (EXPIRED: EXECUTION_FAILED): replaced by stack:s1/t1/pool/2");
        assertThat(stack.resources().get("pool").attributes()).containsEntry("ready_replicas", "1");
        answer("stack:s1/t1/pool/2", "ACTIVE", "NONE");
        assertThat(stack.resources().get("pool").attributes()).containsEntry("ready_replicas", "2");
        assertThat(stack.status()).isEqualTo("CREATE_COMPLETE");

        assertThat(answer("stack:s1/t1/pool/1", "EXPIRED", "EXECUTION_FAILED")).extracting(Demand::getDemandId)
                .containsExactly("stack:s1/t1/pool/3");
        assertThat(answer("stack:s1/t1/pool/3", "REJECTED", "NO_CAPACITY")).as("no loop when there is no room").isEmpty();
        assertThat(stack.events().get(stack.events().size() - 1).reason())
                .isEqualTo("replica stack:s1/t1/pool/3 was not placed (REJECTED: NO_CAPACITY): the pool runs 1 of 2");
        assertThat(answer("stack:s1/t1/weights/0", "EXPIRED", "EXECUTION_FAILED")).as("storage is not replaced").isEmpty();
    }

    @Test
    void aPoolScalesTowardItsTargetUtilizationWithinItsBoundsAndCoolsDownBetweenSteps() throws Exception {
        final String autoscaled = example().replace("      max_replicas: 8\n",
                "      max_replicas: 4\n      target_utilization: 0.6\n      cooldown_seconds: 30\n");
        apply(new StackInput.Create("s1", "team-a", autoscaled, Map.of("replicas", "2"), true, "test", now));
        answer("stack:s1/t1/weights/0", "ACTIVE", "NONE");
        answer("stack:s1/t1/pool/0", "ACTIVE", "NONE");
        answer("stack:s1/t1/pool/1", "ACTIVE", "NONE");

        // busy: ceil(2 x 0.9 / 0.6) = 3
        assertThat(apply(new StackInput.Utilization("s1", "pool", 0.9, "metrics", now))).extracting(Demand::getDemandId)
                .containsExactly("stack:s1/t1/pool/2");
        assertThat(stack.events().get(stack.events().size() - 1).reason())
                .isEqualTo("autoscaled 2 -> 3 replicas (utilization 0.90, target 0.60)");
        assertThat(stack.resources().get("pool").attributes()).containsEntry("wanted_replicas", "3");
        assertThat(stack.status()).as("scaling is not an update").isEqualTo("CREATE_COMPLETE");
        answer("stack:s1/t1/pool/2", "ACTIVE", "NONE");
        assertThat(stack.resources().get("pool").attributes()).containsEntry("ready_replicas", "3");

        assertThat(apply(new StackInput.Utilization("s1", "pool", 0.95, "metrics", now))).as("cooling down").isEmpty();
        now += 31_000;
        assertThat(apply(new StackInput.Utilization("s1", "pool", 0.62, "metrics", now))).as("within 10% of the target").isEmpty();
        // very busy: ceil(3 x 2.0 / 0.6) = 10, held to max_replicas 4
        assertThat(apply(new StackInput.Utilization("s1", "pool", 2.0, "metrics", now))).extracting(Demand::getDemandId)
                .containsExactly("stack:s1/t1/pool/3");
        now += 31_000;
        // idle: ceil(3 serving x 0.1 / 0.6) = 1, held to min_replicas 2: the two highest go
        final List<Demand> down = apply(new StackInput.Utilization("s1", "pool", 0.1, "metrics", now));
        assertThat(down).extracting(Demand::getReleaseOf).containsExactly("stack:s1/t1/pool/2");
        assertThat(answer("stack:s1/t1/pool/3", "PLACED", "NONE")).as("placed after it was scaled away: released")
                .extracting(Demand::getReleaseOf).containsExactly("stack:s1/t1/pool/3");
        assertThat(stack.resources().get("pool").attributes()).containsEntry("wanted_replicas", "2");

        // an update of the template sets the count again
        now += 31_000;
        apply(new StackInput.Utilization("s1", "pool", 1.2, "metrics", now));
        assertThat(stack.resources().get("pool").attributes()).containsEntry("wanted_replicas", "4");
        update(null, Map.of("replicas", "3"));
        assertThat(stack.resources().get("pool").attributes()).containsEntry("wanted_replicas", "3");
    }

    @Test
    void aGangPoolAsksForTheReplicasItAddsAsOneGroupAllPlacedOrNone() throws Exception {
        final String gang = example().replace("      max_replicas: 8\n", "      max_replicas: 8\n      gang: true\n");
        apply(new StackInput.Create("s1", "team-a", gang, Map.of("replicas", "3"), true, "test", now));
        final List<Demand> replicas = answer("stack:s1/t1/weights/0", "ACTIVE", "NONE");
        assertThat(replicas).extracting(Demand::getDemandId)
                .containsExactly("stack:s1/t1/pool/0", "stack:s1/t1/pool/1", "stack:s1/t1/pool/2");
        assertThat(replicas).extracting(Demand::getGroupId).containsOnly("s1/t1/pool/0");
        assertThat(replicas).extracting(Demand::getMinMembers).containsOnly(3);
        // a replica replaced alone is not a gang
        answer("stack:s1/t1/pool/0", "ACTIVE", "NONE");
        answer("stack:s1/t1/pool/1", "ACTIVE", "NONE");
        answer("stack:s1/t1/pool/2", "ACTIVE", "NONE");
        assertThat(answer("stack:s1/t1/pool/0", "EXPIRED", "EXECUTION_FAILED")).singleElement()
                .satisfies(d -> assertThat(d.getGroupId()).isNull());
    }

    @Test
    void aPoolWithoutATargetOrAStackThatIsMovingIsNotAutoscaled() throws Exception {
        created(2);
        assertThat(machine.apply(stack, new StackInput.Utilization("s1", "pool", 0.9, "metrics", now), now).refused())
                .contains("has no target_utilization");
        assertThat(machine.apply(stack, new StackInput.Utilization("s1", "weights", 0.9, "metrics", now), now).refused())
                .isEqualTo("stack s1 has no compute pool weights");
        update(null, Map.of("replicas", "3"));
        assertThat(machine.apply(stack, new StackInput.Utilization("s1", "pool", 0.9, "metrics", now), now).refused())
                .contains("is UPDATE_IN_PROGRESS");
    }
}
