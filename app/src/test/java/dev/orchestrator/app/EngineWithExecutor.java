package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.app.config.ConfigLoader;
import dev.orchestrator.app.config.OrchestratorConfig;
import dev.orchestrator.app.demo.SimulatedExecutor;
import dev.orchestrator.testing.TestKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One engine instance on the test broker, serving HTTP with a bearer token, and a simulated executor
 * confirming its commands so placed allocations become ACTIVE: what the HTTP ITs run against.
 */
record EngineWithExecutor(Instance instance, SimulatedExecutor executor) implements AutoCloseable {
    /** Starts both and waits until the instance is ready; {@code settings} add to or override the defaults. */
    static EngineWithExecutor start(final TestKafka kafka, final Path state, final String applicationId, final String token,
                                    final Map<String, String> settings) throws Exception {
        final Instance instance = instance(kafka, state, applicationId, token, settings);
        final SimulatedExecutor executor = new SimulatedExecutor(kafka.bootstrapServers(), instance.topics());
        executor.start();
        return new EngineWithExecutor(instance, executor);
    }

    /** The engine alone, ready, with the settings {@link #start} uses: for tests that bring their own executor. */
    static Instance instance(final TestKafka kafka, final Path state, final String applicationId, final String token,
                             final Map<String, String> settings) throws Exception {
        final Map<String, String> all = new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "http.port", "0",
                "http.host", "127.0.0.1", "state.dir", state.toString(), "application.id", applicationId,
                "topic.partitions", "2", "http.token", token));
        all.putAll(settings);
        final OrchestratorConfig config = ConfigLoader.load(Optional.empty(), Map.of(), all, ConfigLoader.Mode.RUN);
        final Instance instance = Instance.start(config);
        assertThat(InstanceIT.awaitReady(instance.httpPort(), Duration.ofSeconds(60))).isEqualTo(200);
        return instance;
    }

    @Override
    public void close() {
        executor.close();
        instance.close();
    }
}
