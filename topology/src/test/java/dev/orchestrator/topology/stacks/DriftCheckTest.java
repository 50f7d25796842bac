package dev.orchestrator.topology.stacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriftCheckTest {
    private final Template template;

    DriftCheckTest() throws Exception {
        template = TemplateParser.parse(Files.readString(Path.of("../examples/three-tier-stack.yaml")));
    }

    @Test
    void aResourceResolvesOnceWhatItNamesIsProvisioned() {
        final Map<String, String> params = ParameterValues.resolve(template, Map.of("gpu", "H100"));
        final ResourceDefinition vllm = template.resources().get("vllm");
        assertThat(new Resolver(params, Map.of()).properties(vllm)).as("pool and weights not provisioned yet").isEmpty();
        final Resolver resolver = new Resolver(params, Map.of(
                "weights", new Resolver.Provisioned("alloc-w", Map.of("endpoint", "pvc://weights")),
                "pool", new Resolver.Provisioned("pool-7", Map.of("ready_replicas", 2))));
        assertThat(resolver.properties(vllm)).hasValue(Map.of("model", "meta-llama/Llama-3.1-8B-Instruct",
                "image", "vllm/vllm-openai:v0.6.3", "pool", "pool-7", "ports", List.of("8000"),
                "env", Map.of("WEIGHTS", "pvc://weights")));
        assertThat(resolver.properties(template.resources().get("pool")).orElseThrow())
                .containsEntry("gpu_type", "H100").containsEntry("min_replicas", "2");
        assertThatThrownBy(() -> new Resolver(Map.of(), Map.of()).properties(template.resources().get("pool")))
                .hasMessageContaining("parameter replicas has no value");
    }

    @Test
    void driftIsReportedPerPropertyAndOnlyForWhatTheProviderShows() {
        final Map<String, Object> expected = Map.of("min_replicas", "2", "gpu_type", "A100", "memory", "64 GB",
                "regions", List.of("eu-west-1"));
        assertThat(DriftCheck.of("pool", expected, Map.of("min_replicas", 2.0, "gpu_type", "A100", "regions", List.of("eu-west-1"))))
                .as("2 is 2.0; memory not reported").isEmpty();
        assertThat(DriftCheck.of("pool", expected, Map.of("min_replicas", 1, "gpu_type", "L4", "regions", List.of("us-east-1"))))
                .containsExactly(new DriftCheck.Drift("pool", "gpu_type", "A100", "L4"),
                        new DriftCheck.Drift("pool", "min_replicas", "2", 1),
                        new DriftCheck.Drift("pool", "regions", List.of("eu-west-1"), List.of("us-east-1")));
        assertThat(DriftCheck.of("pool", Map.of("memory", "64 GB"), java.util.Collections.singletonMap("memory", null)))
                .containsExactly(new DriftCheck.Drift("pool", "memory", "64 GB", null));
        assertThat(DriftCheck.of("pool", Map.of("cpu", "1e999999999"), Map.of("cpu", "1"))).as("no huge exponent arithmetic")
                .hasSize(1);
    }
}
