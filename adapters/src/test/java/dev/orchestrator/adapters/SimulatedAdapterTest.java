package dev.orchestrator.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.adapters.simulated.SimulatedAdapter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SimulatedAdapterTest {
    private final AtomicLong now = new AtomicLong();

    private static Placement placement(final String command) {
        return new Placement(command, "a-" + command, "d", "c", "u", Placement.Kind.STORAGE, 0, 0, 1, 0);
    }

    @Test
    void becomesReadyAfterItsDelayAndCountsOneCreationPerCommand() {
        final SimulatedAdapter adapter = new SimulatedAdapter(500, 0, 1, now::get);

        assertThat(adapter.provision(placement("c1")).state()).isEqualTo(LiveState.PENDING);
        assertThat(adapter.provision(placement("c1")).created()).isFalse();
        now.addAndGet(500_000_000L);

        assertThat(adapter.state("c1")).isEqualTo(LiveState.READY);
        assertThat(adapter.creations("c1")).isEqualTo(1);
        adapter.deprovision("a-c1", "u");
        assertThat(adapter.state("c1")).isEqualTo(LiveState.ABSENT);
    }

    @Test
    void aFailingCommandFailsTheSameWayOnEveryLook() {
        final SimulatedAdapter adapter = new SimulatedAdapter(0, 1.0, 1, now::get);

        adapter.provision(placement("c2"));

        assertThat(adapter.state("c2")).isEqualTo(LiveState.FAILED);
        assertThat(adapter.provision(placement("c2")).state()).isEqualTo(LiveState.FAILED);
    }

    @Test
    void isFoundByTypeAndRefusesBadSettingsByName() {
        assertThat(Adapters.factories()).containsKeys("simulated", "kubernetes", "nosana", "skypilot");
        assertThat(Adapters.create("simulated", Map.of("delay.ms", "0")).type()).isEqualTo("simulated");
        assertThatThrownBy(() -> Adapters.create("simulated", Map.of("failure.rate", "often")))
                .hasMessageContaining("failure.rate");
        assertThatThrownBy(() -> Adapters.create("openstack", Map.of())).hasMessageContaining("known: [kubernetes, nosana, simulated, skypilot]");
        assertThatThrownBy(() -> new Placement(" ", null, null, null, null, Placement.Kind.STORAGE, 0, 0, 0, 0))
                .hasMessageContaining("command id");
    }

    @Test
    void adaptersOfOneFleetShareItsResourcesAndSeeWhatWasChangedBehindTheirBack() {
        final ProviderAdapter executor = Adapters.create("simulated", Map.of("delay.ms", "0", "fleet", "test-shared"));
        final ProviderAdapter restarted = Adapters.create("simulated", Map.of("delay.ms", "0", "fleet", "test-shared"));
        final ProviderAdapter other = Adapters.create("simulated", Map.of("delay.ms", "0"));
        executor.provision(new Placement("c3", "a3", "d3", "c", "u3", Placement.Kind.COMPUTE, 1_000, 1L << 30, 0, 0, null,
                new Workload("vllm/vllm-openai:v0.6.3", "m1", java.util.List.of(8000), "dep")));

        assertThat(restarted.provision(new Placement("c3", "a3", "d3", "c", "u3", Placement.Kind.COMPUTE, 1_000, 1L << 30, 0, 0))
                .created()).as("the fleet's resource, found again").isFalse();
        assertThat(restarted.observe("a3", "u3")).contains(new Observed(LiveState.READY,
                Map.of("image", "vllm/vllm-openai:v0.6.3", "model", "m1", "ports", "8000")));
        assertThat(other.observe("a3", "u3")).as("another fleet").contains(Observed.ABSENT);

        assertThat(dev.orchestrator.adapters.simulated.SimulatedFleet.named("test-shared").tamper("a3", "image", "evil:1"))
                .isEqualTo(1);
        assertThat(executor.observe("a3", "u3").orElseThrow().properties()).containsEntry("image", "evil:1");
        assertThat(executor.observe("a3", "u-other")).contains(Observed.ABSENT);
        assertThat(executor.observe("a3", "u3").orElseThrow().asMap()).containsEntry("state", "READY");
    }
}
