package dev.orchestrator.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.adapters.nosana.NosanaAdapter;
import dev.orchestrator.testing.standin.NosanaStandIn;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Nosana adapter against a local stand-in of the job sidecar's HTTP protocol. */
class NosanaAdapterTest {
    private final NosanaStandIn sidecar = new NosanaStandIn("key-1", "market-gpu", 100, 300);

    @AfterEach
    void stop() {
        sidecar.close();
    }

    private ProviderAdapter adapter(final Map<String, String> overrides) {
        final Map<String, String> settings = new HashMap<>(Map.of("url", sidecar.url().toString(), "api.key", "key-1",
                "market", "market-gpu", "request.timeout.ms", "2000"));
        settings.putAll(overrides);
        return Adapters.create("nosana", settings);
    }

    private static Placement placement(final String command, final String demand) {
        return new Placement(command, "alloc-" + command, demand, "consumer", "unit-1", Placement.Kind.COMPUTE, 2000, 1L << 30, 0, 1);
    }

    @Test
    void aJobGoesPostedClaimedRunningAndARepeatedProvisionFindsIt() throws InterruptedException {
        final ProviderAdapter adapter = adapter(Map.of());

        final Provisioned first = adapter.provision(placement("c1", "d1"));
        assertThat(first.created()).isTrue();
        assertThat(first.state()).isEqualTo(LiveState.PENDING);
        assertThat(adapter.provision(placement("c1", "d1")).created()).isFalse();
        Thread.sleep(350);

        assertThat(adapter.state("c1")).isEqualTo(LiveState.READY);
        final Provisioned again = adapter.provision(placement("c1", "d1"));
        assertThat(again.endpoint()).startsWith("https://").endsWith(".node.nos.ci");
        assertThat(sidecar.launches("c1")).isEqualTo(1);
        assertThat(adapter.state("unknown")).isEqualTo(LiveState.ABSENT);
    }

    @Test
    void deprovisionStopsTheAllocationsJobsAndExtendReachesTheNetwork() {
        final NosanaAdapter adapter = (NosanaAdapter) adapter(Map.of());
        adapter.provision(placement("c2", "d2"));

        adapter.extend("c2", Duration.ofMinutes(30));
        adapter.deprovision("alloc-c2", "unit-elsewhere");
        assertThat(sidecar.stopped()).isEmpty();
        adapter.deprovision("alloc-c2", "unit-1");

        assertThat(sidecar.extensions()).containsEntry("c2", 1800L);
        assertThat(sidecar.stopped()).hasSize(1);
        assertThat(adapter.state("c2")).isEqualTo(LiveState.ABSENT);
        adapter.deprovision("alloc-c2", "unit-1"); // nothing left to stop is not an error
    }

    @Test
    void providerErrorsAreClassified() {
        sidecar.refuseLaunches("busy", 503, 1);
        final ProviderAdapter adapter = adapter(Map.of());
        assertThatThrownBy(() -> adapter.provision(placement("c3", "d-busy")))
                .isInstanceOfSatisfying(AdapterException.class, e -> assertThat(e.kind()).isEqualTo(AdapterException.Kind.TRANSIENT))
                .hasMessageContaining("503");
        assertThat(adapter.provision(placement("c3", "d-busy")).created()).isTrue();

        final ProviderAdapter badKey = adapter(Map.of("api.key", "wrong"));
        assertThatThrownBy(() -> badKey.provision(placement("c4", "d4")))
                .isInstanceOfSatisfying(AdapterException.class, e -> assertThat(e.kind()).isEqualTo(AdapterException.Kind.TERMINAL))
                .hasMessageContaining("401");

        final ProviderAdapter unknownMarket = adapter(Map.of("market", "nowhere"));
        assertThatThrownBy(() -> unknownMarket.provision(placement("c5", "d5")))
                .isInstanceOfSatisfying(AdapterException.class, e -> assertThat(e.kind()).isEqualTo(AdapterException.Kind.TERMINAL));
        assertThatThrownBy(unknownMarket::discover).isInstanceOf(AdapterException.class).hasMessageContaining("no market nowhere");
    }

    @Test
    void aSidecarThatIsDownIsTransientAndAFailedJobReadsFailed() {
        sidecar.failJobs("doomed");
        final ProviderAdapter adapter = adapter(Map.of());
        adapter.provision(placement("c6", "d-doomed"));
        assertThat(adapter.state("c6")).isEqualTo(LiveState.FAILED);
        assertThat(adapter.discover().freeGpus()).isEqualTo(3);

        final ProviderAdapter down = adapter(Map.of("url", "http://127.0.0.1:1"));
        assertThatThrownBy(() -> down.state("c6"))
                .isInstanceOfSatisfying(AdapterException.class, e -> assertThat(e.kind()).isEqualTo(AdapterException.Kind.TRANSIENT));
    }

    @Test
    void aGpuModelGoesToItsOwnMarketAndAModelWithoutOneIsRefusedBeforeAnythingIsPosted() {
        // the stand-in runs only market-gpu: a job posted anywhere else is refused as an unknown market
        final ProviderAdapter adapter = adapter(Map.of("market", "market-cpu", "markets", "a100=market-gpu, h100=market-h"));

        final Provisioned a100 = adapter.provision(new Placement("c-a100", "alloc-a", "d", "consumer", "unit-1",
                Placement.Kind.COMPUTE, 8000, 64L << 30, 0, 2, "a100"));
        assertThat(a100.created()).isTrue();
        assertThatThrownBy(() -> adapter.provision(new Placement("c-l4", "alloc-l", "d", "consumer", "unit-1",
                Placement.Kind.COMPUTE, 4000, 16L << 30, 0, 1, "l4")))
                .isInstanceOfSatisfying(AdapterException.class, e -> assertThat(e.kind()).isEqualTo(AdapterException.Kind.TERMINAL))
                .hasMessage("no Nosana market is configured for GPU model l4 (setting 'markets' lists [a100, h100])");
        assertThatThrownBy(() -> adapter.provision(new Placement("c-cpu", "alloc-c", "d", "consumer", "unit-1",
                Placement.Kind.COMPUTE, 4000, 16L << 30, 0, 0)))
                .as("no GPU: the default market").hasMessageContaining("market-cpu");
        assertThat(sidecar.launchesByCommand()).containsOnlyKeys("c-a100");
    }

    @Test
    void aReplicaOfAModelDeploymentRunsItsImageExposingItsPort() {
        final ProviderAdapter adapter = adapter(Map.of("market", "market-gpu"));

        adapter.provision(new Placement("c-w", "alloc-w", "d", "consumer", "unit-1", Placement.Kind.COMPUTE, 8000, 64L << 30, 0, 1,
                null, new Workload("vllm/vllm-openai:v0.6.3", "meta-llama/Llama-3.1-8B-Instruct", java.util.List.of(8000), "s1-vllm",
                java.util.Map.of("HF_TOKEN", "hf_x", "MODEL_ID", "not-this-one"))));
        adapter.provision(new Placement("c-bare", "alloc-b", "d", "consumer", "unit-1", Placement.Kind.COMPUTE, 8000, 64L << 30,
                0, 1));

        final var run = sidecar.definition("c-w").path("ops").get(0).path("args");
        assertThat(run.path("image").asText()).isEqualTo("vllm/vllm-openai:v0.6.3");
        assertThat(run.path("expose").asInt()).isEqualTo(8000);
        assertThat(run.path("env").path("MODEL_ID").asText()).isEqualTo("meta-llama/Llama-3.1-8B-Instruct");
        assertThat(run.path("env").path("HF_TOKEN").asText()).isEqualTo("hf_x");
        assertThat(sidecar.definition("c-bare").path("ops").get(0).path("args").path("image").asText())
                .as("no workload: the configured image").isEqualTo("docker.io/nginx:stable");
    }

    @Test
    void badSettingsNameTheKey() {
        assertThatThrownBy(() -> Adapters.create("nosana", Map.of("url", "http://x", "market", "m", "markets", "A100")))
                .hasMessageContaining("'markets'").hasMessageContaining("'A100'");
        assertThatThrownBy(() -> Adapters.create("nosana", Map.of("url", "http://x", "market", "m", "markets", "a100=")))
                .hasMessageContaining("'markets'");
        assertThatThrownBy(() -> Adapters.create("nosana", Map.of("market", "m"))).hasMessageContaining("'url'");
        assertThatThrownBy(() -> Adapters.create("nosana", Map.of("url", "ftp://x", "market", "m"))).hasMessageContaining("'url'");
        assertThatThrownBy(() -> Adapters.create("nosana", Map.of("url", "http://x"))).hasMessageContaining("'market'");
        assertThatThrownBy(() -> Adapters.create("nosana", Map.of("url", "http://x", "market", "m", "timeout.seconds", "-1")))
                .hasMessageContaining("'timeout.seconds'");
    }
}
