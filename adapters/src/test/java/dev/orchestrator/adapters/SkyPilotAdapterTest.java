package dev.orchestrator.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.testing.standin.SkyPilotStandIn;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SkyPilot adapter against a local stand-in of the API server's REST interface. */
class SkyPilotAdapterTest {
    private final SkyPilotStandIn server = new SkyPilotStandIn(300);

    @AfterEach
    void stop() {
        server.close();
    }

    private ProviderAdapter adapter(final Map<String, String> overrides) {
        final Map<String, String> settings = new HashMap<>(Map.of("url", server.url().toString(), "cloud", "gcp",
                "region", "us-central1", "accelerator", "L4", "request.timeout.ms", "2000"));
        settings.putAll(overrides);
        return Adapters.create("skypilot", settings);
    }

    private static Placement placement(final String command, final String allocation) {
        return new Placement(command, allocation, "d-" + command, "consumer", "unit-1", Placement.Kind.COMPUTE,
                3500, 6L << 30, 100L << 30, 2);
    }

    @Test
    void launchesAClusterFromAGeneratedTaskAndFindsItAgain() throws InterruptedException {
        final ProviderAdapter adapter = adapter(Map.of());

        final Provisioned first = adapter.provision(placement("cmd-1", "alloc-1"));
        assertThat(first.created()).isTrue();
        assertThat(first.state()).isEqualTo(LiveState.PENDING);
        final String cluster = first.resource().substring("skypilot/".length());
        assertThat(cluster).matches("orch-[0-9a-f]{10}-[0-9a-f]{8}");
        assertThat(server.task(cluster)).contains("cloud: gcp", "region: us-central1", "cpus: 4+", "memory: 6+",
                "disk_size: 100", "accelerators: L4:2", "ORCH_COMMAND_ID: 'cmd-1'", "ORCH_ALLOCATION_ID: 'alloc-1'");

        assertThat(adapter.provision(placement("cmd-1", "alloc-1")).created()).isFalse();
        Thread.sleep(350);
        assertThat(adapter.state("cmd-1")).isEqualTo(LiveState.READY);
        assertThat(adapter.provision(placement("cmd-1", "alloc-1")).endpoint()).startsWith("ssh://10.0.0.");
        assertThat(server.launches(cluster)).isEqualTo(1);
    }

    @Test
    void aPlacementOfANamedGpuModelAsksForThatAcceleratorInsteadOfTheConfiguredOne() {
        final ProviderAdapter adapter = adapter(Map.of());

        final Provisioned launched = adapter.provision(new Placement("cmd-a100", "alloc-a", "d", "consumer", "unit-1",
                Placement.Kind.COMPUTE, 8_000, 64L << 30, 0, 2, "a100"));

        assertThat(server.task(launched.resource().substring("skypilot/".length())))
                .contains("accelerators: A100:2").doesNotContain("L4");
    }

    @Test
    void aReplicaOfAModelDeploymentRunsItsImageWithItsPortsOpen() {
        final ProviderAdapter adapter = adapter(Map.of());

        final Provisioned launched = adapter.provision(new Placement("cmd-w", "alloc-w", "d", "consumer", "unit-1",
                Placement.Kind.COMPUTE, 8_000, 64L << 30, 0, 1, "a100", new Workload("vllm/vllm-openai:v0.6.3", "meta-llama/Llama-3.1-8B-Instruct", java.util.List.of(8000), "s1-vllm",
                java.util.Map.of("HF_TOKEN", "hf_x", "MODEL_ID", "not-this-one"))));

        assertThat(server.task(launched.resource().substring("skypilot/".length()))).contains(
                "image_id: 'docker:vllm/vllm-openai:v0.6.3'", "ports: [8000]", "MODEL_ID: 'meta-llama/Llama-3.1-8B-Instruct'", "HF_TOKEN: 'hf_x'").doesNotContain("not-this-one");
    }

    @Test
    void deprovisionDownsEveryClusterOfTheAllocationAndNoOther() {
        final ProviderAdapter adapter = adapter(Map.of());
        adapter.provision(placement("cmd-2", "alloc-2"));
        adapter.provision(placement("cmd-3", "alloc-2"));
        adapter.provision(placement("cmd-4", "alloc-other"));

        adapter.deprovision("alloc-2", "unit-1");

        assertThat(server.clusters()).hasSize(1);
        assertThat(adapter.state("cmd-4")).isIn(LiveState.PENDING, LiveState.READY);
        assertThat(adapter.state("cmd-2")).isEqualTo(LiveState.ABSENT);
        assertThat(server.calls()).filteredOn(c -> c.startsWith("down ")).hasSize(2);
    }

    @Test
    void skyPilotErrorTypesAreClassified() {
        server.failLaunches("busy-cmd", "ResourcesUnavailableError", 1);
        server.failLaunches("bad-cmd", "InvalidCloudCredentials", 1);
        final ProviderAdapter adapter = adapter(Map.of());

        assertThatThrownBy(() -> adapter.provision(placement("busy-cmd", "a")))
                .isInstanceOfSatisfying(AdapterException.class, e -> assertThat(e.kind()).isEqualTo(AdapterException.Kind.TRANSIENT))
                .hasMessageContaining("ResourcesUnavailableError");
        assertThat(adapter.provision(placement("busy-cmd", "a")).created()).isTrue();
        assertThatThrownBy(() -> adapter.provision(placement("bad-cmd", "b")))
                .isInstanceOfSatisfying(AdapterException.class, e -> assertThat(e.kind()).isEqualTo(AdapterException.Kind.TERMINAL))
                .hasMessageContaining("InvalidCloudCredentials");
        assertThat(adapter.discover().notes()).containsExactly("enabled: aws");
    }

    @Test
    void anApiServerThatIsDownIsTransientAndBadSettingsNameTheKey() {
        final ProviderAdapter down = adapter(Map.of("url", "http://127.0.0.1:1"));
        assertThatThrownBy(() -> down.state("x"))
                .isInstanceOfSatisfying(AdapterException.class, e -> assertThat(e.kind()).isEqualTo(AdapterException.Kind.TRANSIENT));
        assertThatThrownBy(() -> Adapters.create("skypilot", Map.of())).hasMessageContaining("'url'");
        assertThatThrownBy(() -> Adapters.create("skypilot", Map.of("url", "http://x", "request.timeout.ms", "abc")))
                .hasMessageContaining("'request.timeout.ms'");
    }
}
