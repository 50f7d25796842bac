package dev.orchestrator.topology.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpdatePlanTest {
    private final String example = read();

    private static String read() {
        try {
            return Files.readString(Path.of("../examples/three-tier-stack.yaml"));
        } catch (final java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, UpdatePlan.Change> plan(final String after, final Map<String, String> paramsAfter) {
        final Template before = TemplateParser.parse(example);
        final Template next = TemplateParser.parse(after);
        return UpdatePlan.of(before, ParameterValues.resolve(before, Map.of()), next, ParameterValues.resolve(next, paramsAfter));
    }

    @Test
    void theSameTemplateChangesNothingWhereverItsLinesMoved() {
        assertThat(plan("# a comment moves every line\n" + example, Map.of()).values())
                .allSatisfy(change -> assertThat(change.kind()).isEqualTo(UpdatePlan.Kind.UNCHANGED));
    }

    @Test
    void aNewImageRollsOutInPlaceAndAnotherModelReplacesTheDeployment() {
        final Map<String, UpdatePlan.Change> image = plan(example.replace("vllm/vllm-openai:v0.6.3", "vllm/vllm-openai:v0.7.0"),
                Map.of());
        assertThat(image.get("vllm")).isEqualTo(new UpdatePlan.Change("vllm", UpdatePlan.Kind.UPDATE_IN_PLACE,
                java.util.List.of("image")));
        assertThat(image.get("pool").kind()).isEqualTo(UpdatePlan.Kind.UNCHANGED);
        final Map<String, UpdatePlan.Change> model = plan(example, Map.of("model", "mistralai/Mistral-7B-Instruct-v0.3"));
        assertThat(model.get("vllm")).isEqualTo(new UpdatePlan.Change("vllm", UpdatePlan.Kind.REPLACE, java.util.List.of("model")));
    }

    @Test
    void scalingAPoolIsInPlaceAndAnotherGpuReplacesIt() {
        assertThat(plan(example, Map.of("replicas", "4")).get("pool"))
                .isEqualTo(new UpdatePlan.Change("pool", UpdatePlan.Kind.UPDATE_IN_PLACE, java.util.List.of("min_replicas")));
        assertThat(plan(example, Map.of("gpu", "H100")).get("pool"))
                .isEqualTo(new UpdatePlan.Change("pool", UpdatePlan.Kind.REPLACE, java.util.List.of("gpu_type")));
        assertThat(plan(example.replace("      gpu_count: 1\n", ""), Map.of()).get("pool"))
                .as("a property removed is a change of it").isEqualTo(new UpdatePlan.Change("pool", UpdatePlan.Kind.REPLACE,
                        java.util.List.of("gpu_count")));
    }

    @Test
    void resourcesAddedAreCreatedAndDroppedOnesDeletedLast() {
        final String after = example.replace("  api:\n    type: orchestrator::route", "  cache:\n    type: orchestrator::storage\n"
                + "    properties: {size: 10 GB}\n  api:\n    type: orchestrator::route").replace("outputs:\n  url: {get_attr: [api, url]}\n", "");
        final String dropped = after.substring(0, after.indexOf("  api:\n"));
        final Map<String, UpdatePlan.Change> changes = plan(dropped, Map.of());
        assertThat(changes.get("cache").kind()).isEqualTo(UpdatePlan.Kind.CREATE);
        assertThat(changes.get("api").kind()).isEqualTo(UpdatePlan.Kind.DELETE);
        assertThat(changes.keySet()).containsExactly("weights", "pool", "vllm", "cache", "api");
    }
}
