package dev.orchestrator.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadEnvTest {
    @Test
    void anEnvironmentRoundTripsThroughItsLabelWhateverItsValuesHold() {
        final Map<String, String> env = Map.of("HF_TOKEN", "hf_a&b=c%d e", "VLLM_ARGS", "--max-model-len=8192", "EMPTY", "");

        final String label = WorkloadEnv.encode(env);

        assertThat(label).isEqualTo("EMPTY=&HF_TOKEN=hf_a%26b%3Dc%25d+e&VLLM_ARGS=--max-model-len%3D8192");
        assertThat(WorkloadEnv.decode(label)).isEqualTo(env);
        assertThat(WorkloadEnv.decode("")).isEmpty();
    }

    @Test
    void namesValuesAndSizesNoExecutorTakesAreRefused() {
        assertThatThrownBy(() -> WorkloadEnv.encode(Map.of("1BAD", "x"))).hasMessageContaining("name");
        assertThatThrownBy(() -> WorkloadEnv.encode(Map.of("A", "line\nbreak"))).hasMessageContaining("env.A");
        assertThatThrownBy(() -> WorkloadEnv.encode(Map.of("A", "x".repeat(4_097)))).hasMessageContaining("4096");
        final Map<String, String> many = new java.util.HashMap<>();
        for (int i = 0; i < 101; i++) {
            many.put("V" + i, "x");
        }
        assertThatThrownBy(() -> WorkloadEnv.encode(many)).hasMessageContaining("100 variables");
        final Map<String, String> large = new java.util.HashMap<>();
        for (int i = 0; i < 10; i++) {
            large.put("V" + i, "é".repeat(1_000));
        }
        assertThatThrownBy(() -> WorkloadEnv.encode(large)).hasMessageContaining("16384 characters encoded");
        assertThatThrownBy(() -> WorkloadEnv.decode("=x")).hasMessageContaining("NAME=value");
        assertThatThrownBy(() -> WorkloadEnv.decode("A=%zz")).hasMessageContaining("URL-encoded");
        assertThatThrownBy(() -> WorkloadEnv.decode("A=%0A")).hasMessageContaining("control");
        assertThatThrownBy(() -> WorkloadEnv.decode("A=1&".repeat(200))).hasMessageContaining("100 variables");
    }
}
