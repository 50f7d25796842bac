package dev.orchestrator.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadTest {

    @Test
    void readsACommandsWorkloadLabels() {
        final Workload workload = Workload.of(Map.of(Workload.IMAGE, "ollama/ollama:0.3.12", Workload.MODEL, "qwen2.5:7b",
                Workload.PORTS, "11434, 8080", Workload.DEPLOYMENT, "cpus-chat", "stack", "cpus"));

        assertThat(workload).isEqualTo(new Workload("ollama/ollama:0.3.12", "qwen2.5:7b", List.of(11434, 8080), "cpus-chat"));
        assertThat(Workload.of(Map.of("stack", "s1"))).as("no image: nothing of its own to run").isEqualTo(Workload.NONE);
        assertThat(Workload.of(null)).isEqualTo(Workload.NONE);
    }

    @Test
    void refusesWhatWouldReachAProvidersSpecAsSomethingElse() {
        for (final Map<String, String> crafted : List.of(
                Map.of(Workload.IMAGE, "nginx\nkind: Secret"),
                Map.of(Workload.IMAGE, "nginx; rm -rf /"),
                Map.of(Workload.IMAGE, "x".repeat(300)),
                Map.of(Workload.IMAGE, "nginx", Workload.MODEL, "m'\nrun: evil"),
                Map.of(Workload.IMAGE, "nginx", Workload.PORTS, "80,0"),
                Map.of(Workload.IMAGE, "nginx", Workload.PORTS, "eighty"),
                Map.of(Workload.IMAGE, "nginx", Workload.PORTS, "1,".repeat(200)),
                Map.of(Workload.IMAGE, "nginx", Workload.DEPLOYMENT, "Has Spaces"),
                Map.of(Workload.IMAGE, "nginx", "workload.env", "A=line%0Akind%3A+Secret"),
                Map.of(Workload.IMAGE, "nginx", "workload.env", "not a pair"))) {
            assertThatThrownBy(() -> Workload.of(crafted)).as(crafted.toString()).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void carriesItsEnvironmentWithoutEverPrintingItsValues() {
        final Workload workload = Workload.of(Map.of(Workload.IMAGE, "vllm/vllm-openai:v0.6.3", "workload.env",
                "HF_TOKEN=hf_secret%26value&LOG_LEVEL=debug"));

        assertThat(workload.env()).containsExactly(Map.entry("HF_TOKEN", "hf_secret&value"), Map.entry("LOG_LEVEL", "debug"));
        assertThat(workload.toString()).contains("HF_TOKEN", "LOG_LEVEL").doesNotContain("hf_secret");
        assertThat(new Placement("c", "a", "d", "c", "u", Placement.Kind.COMPUTE, 1, 1, 0, 0, null, workload).toString())
                .doesNotContain("hf_secret");
    }
}
