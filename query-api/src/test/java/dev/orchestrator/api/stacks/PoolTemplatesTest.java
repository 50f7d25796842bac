package dev.orchestrator.api.stacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.topology.stacks.ParameterValues;
import dev.orchestrator.topology.stacks.ResourceType;
import dev.orchestrator.topology.stacks.Template;
import dev.orchestrator.topology.stacks.TemplateParser;
import dev.orchestrator.topology.stacks.UpdatePlan;
import dev.orchestrator.topology.stacks.Value;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoolTemplatesTest {
    private static final PoolTemplates.PoolSpec GPUS = new PoolTemplates.PoolSpec(2, 4, 8.0, "64 GB", "A100", 1,
            List.of("eu-west-1"), 0.7, true);
    private static final PoolTemplates.DeploymentSpec CHAT = new PoolTemplates.DeploymentSpec("chat", "gpus",
            "meta-llama/Llama-3.1-8B-Instruct", "vllm/vllm-openai:v0.6.3", List.of(8000), Map.of("HF_HOME", "/weights"));

    private static Template parsed(final String yaml) {
        final Template template = TemplateParser.parse(yaml);
        ParameterValues.resolve(template, Map.of());
        return template;
    }

    private static Map<String, UpdatePlan.Change> plan(final String before, final String after) {
        return UpdatePlan.of(parsed(before), Map.of(), parsed(after), Map.of());
    }

    @Test
    void aPoolIsAStackOfOneComputePoolTheStackEngineTakes() {
        final Template template = parsed(PoolTemplates.pool("gpus", GPUS));

        assertThat(template.resources()).containsOnlyKeys("pool");
        assertThat(template.resources().get("pool").type()).isEqualTo(ResourceType.COMPUTE_POOL);
        assertThat(PoolTemplates.pool("gpus", GPUS)).contains("min_replicas: 2", "max_replicas: 4", "gpu_type: A100",
                "- eu-west-1", "spread: true");
    }

    @Test
    void absentFieldsTakeDefaultsAndAbsurdCountsAreRefusedNamingTheField() {
        final String plain = PoolTemplates.pool("p", new PoolTemplates.PoolSpec(null, null, null, null, null, null, null, null, null));
        assertThat(plain).contains("min_replicas: 1", "max_replicas: 8").doesNotContain("gpu_type");
        parsed(plain);

        assertThatThrownBy(() -> PoolTemplates.pool("p", new PoolTemplates.PoolSpec(-1, null, null, null, null, null, null, null, null)))
                .isInstanceOfSatisfying(PoolTemplates.Refused.class, e -> assertThat(e.field()).isEqualTo("replicas"));
        assertThatThrownBy(() -> PoolTemplates.pool("p", new PoolTemplates.PoolSpec(3, 2, null, null, null, null, null, null, null)))
                .isInstanceOfSatisfying(PoolTemplates.Refused.class, e -> assertThat(e.field()).isEqualTo("maxReplicas"));
        assertThatThrownBy(() -> PoolTemplates.pool("p", new PoolTemplates.PoolSpec(1, 1_000_000, null, null, null, null, null, null,
                null))).isInstanceOfSatisfying(PoolTemplates.Refused.class, e -> assertThat(e.field()).isEqualTo("maxReplicas"));
        assertThat(refusedField(() -> PoolTemplates.pool("p", new PoolTemplates.PoolSpec(1, 2, -4.0, null, null, null, null, null,
                null)))).isEqualTo("cpu");
        assertThat(refusedField(() -> PoolTemplates.pool("p", new PoolTemplates.PoolSpec(1, 2, null, null, null, 1_000, null, null,
                null)))).isEqualTo("gpuCount");
        assertThat(refusedField(() -> PoolTemplates.pool("p", new PoolTemplates.PoolSpec(1, 2, null, null, null, null, List.of(),
                null, null)))).isEqualTo("regions");
        assertThat(refusedField(() -> PoolTemplates.pool("p", new PoolTemplates.PoolSpec(1, 2, null, null, null, null, null, 7.0,
                null)))).isEqualTo("targetUtilization");
        assertThat(refusedField(() -> PoolTemplates.pool("p", new PoolTemplates.PoolSpec(1, 2, null, "x".repeat(100), null, null,
                null, null, null)))).isEqualTo("memory");
    }

    @Test
    void scalingByHandChangesOnlyTheReplicaCountInPlaceWithinTheMaximum() {
        final String before = PoolTemplates.pool("gpus", GPUS);
        final String after = PoolTemplates.scaled(before, 4);

        assertThat(plan(before, after).get("pool")).isEqualTo(new UpdatePlan.Change("pool", UpdatePlan.Kind.UPDATE_IN_PLACE,
                List.of("min_replicas")));
        assertThatThrownBy(() -> PoolTemplates.scaled(before, 5)).hasMessageContaining("max_replicas (4)");
        assertThatThrownBy(() -> PoolTemplates.scaled(before, -1)).isInstanceOf(PoolTemplates.Refused.class);
    }

    @Test
    void aDeploymentIsAResourceOfThePoolsStackThatReferencesThePool() {
        final String pool = PoolTemplates.pool("gpus", GPUS);
        final String deployed = PoolTemplates.withDeployment(pool, CHAT);
        final Template template = parsed(deployed);

        assertThat(template.resources()).containsOnlyKeys("pool", "chat");
        assertThat(template.resources().get("chat").type()).isEqualTo(ResourceType.MODEL_DEPLOYMENT);
        assertThat(template.resources().get("chat").properties().get("pool")).as("an implicit dependency on the pool")
                .isInstanceOfSatisfying(Value.GetResource.class, ref -> assertThat(ref.resource()).isEqualTo("pool"));
        final Map<String, UpdatePlan.Change> plan = plan(pool, deployed);
        assertThat(plan.get("pool").kind()).isEqualTo(UpdatePlan.Kind.UNCHANGED);
        assertThat(plan.get("chat").kind()).isEqualTo(UpdatePlan.Kind.CREATE);
        assertThat(PoolTemplates.deployment(deployed, "chat")).containsEntry("image", "vllm/vllm-openai:v0.6.3")
                .containsEntry("ports", List.of(8000));
    }

    @Test
    void aNewImageRollsInPlaceAndRemovingADeploymentDeletesOnlyIt() {
        final String deployed = PoolTemplates.withDeployment(PoolTemplates.pool("gpus", GPUS), CHAT);
        final String rolled = PoolTemplates.withImage(deployed, "chat", "vllm/vllm-openai:v0.7.0");

        assertThat(plan(deployed, rolled).get("chat")).isEqualTo(new UpdatePlan.Change("chat", UpdatePlan.Kind.UPDATE_IN_PLACE,
                List.of("image")));
        assertThat(plan(deployed, rolled).get("pool").kind()).isEqualTo(UpdatePlan.Kind.UNCHANGED);
        final Map<String, UpdatePlan.Change> removed = plan(rolled, PoolTemplates.withoutDeployment(rolled, "chat"));
        assertThat(removed.get("chat").kind()).isEqualTo(UpdatePlan.Kind.DELETE);
        assertThat(removed.get("pool").kind()).isEqualTo(UpdatePlan.Kind.UNCHANGED);
    }

    @Test
    void deploymentsThatCannotBeWrittenAreRefusedNamingTheField() {
        final String pool = PoolTemplates.pool("gpus", GPUS);
        final String deployed = PoolTemplates.withDeployment(pool, CHAT);

        assertThat(refusedField(() -> PoolTemplates.withDeployment(deployed, CHAT))).isEqualTo("id");
        assertThat(refusedField(() -> PoolTemplates.withDeployment(deployed, spec("other", "m", "img:1", null, null))))
                .as("a pool runs one deployment").isEqualTo("pool");
        assertThat(refusedField(() -> PoolTemplates.withDeployment(pool, spec("pool", "m", "img:1", null, null)))).isEqualTo("id");
        assertThat(refusedField(() -> PoolTemplates.withDeployment(pool, spec("Chat!", "m", "img:1", null, null)))).isEqualTo("id");
        assertThat(refusedField(() -> PoolTemplates.withDeployment(pool, spec("c", " ", "img:1", null, null)))).isEqualTo("model");
        assertThat(refusedField(() -> PoolTemplates.withDeployment(pool, spec("c", "m", "img 1", null, null)))).isEqualTo("image");
        assertThat(refusedField(() -> PoolTemplates.withDeployment(pool, spec("c", "m", "x".repeat(300), null, null))))
                .isEqualTo("image");
        assertThat(refusedField(() -> PoolTemplates.withDeployment(pool, spec("c", "m", "img:1", List.of(0), null))))
                .isEqualTo("ports");
        assertThat(refusedField(() -> PoolTemplates.withDeployment(pool, spec("c", "m", "img:1", null, Map.of("A=B", "x")))))
                .isEqualTo("env");
        assertThat(refusedField(() -> PoolTemplates.withImage(deployed, "nope", "img:2"))).isEqualTo("id");
        assertThat(refusedField(() -> PoolTemplates.withoutDeployment(deployed, "pool"))).isEqualTo("id");
    }

    @Test
    void aPoolOfAUsersOwnTemplateIsEditedWithItsAliasesWrittenOut() {
        final String own = """
                resources:
                  pool:
                    type: orchestrator::compute_pool
                    properties: &shape
                      min_replicas: 1
                      max_replicas: 3
                """;
        final String scaled = PoolTemplates.scaled(own, 3);

        assertThat(scaled).doesNotContain("&", "*").contains("min_replicas: 3");
        assertThat(parsed(scaled).resources()).containsOnlyKeys("pool");
        assertThat(refusedField(() -> PoolTemplates.scaled("resources:\n  web:\n    type: orchestrator::storage\n", 1)))
                .isEqualTo("pool");
    }

    private static PoolTemplates.DeploymentSpec spec(final String id, final String model, final String image, final List<Integer> ports,
                                                     final Map<String, String> env) {
        return new PoolTemplates.DeploymentSpec(id, "gpus", model, image, ports, env);
    }

    private static String refusedField(final Runnable edit) {
        try {
            edit.run();
        } catch (final PoolTemplates.Refused e) {
            return e.field();
        }
        throw new AssertionError("not refused");
    }
}
