package dev.orchestrator.app;

import dev.orchestrator.app.config.ConfigKey;
import dev.orchestrator.app.config.ConfigLoader;
import dev.orchestrator.app.config.OrchestratorConfig;
import dev.orchestrator.app.kafka.KafkaPreflight;
import dev.orchestrator.schemas.Topics;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Flags of the commands that read a running cluster (tail, verify): the demo's by default. */
final class ClusterOptions {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9092",
            description = "Kafka brokers (default: the demo's, ${DEFAULT-VALUE})")
    String bootstrap;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    /** The settings, once the cluster has accepted their credentials (else a config error naming the setting). */
    OrchestratorConfig config() {
        final OrchestratorConfig config = options.load(ConfigLoader.Mode.DEMO, Map.of(ConfigKey.BOOTSTRAP_SERVERS.key(), bootstrap));
        KafkaPreflight.check(bootstrap, config.kafkaClient());
        return config;
    }

    /** The cluster's topics, decoded with the configured registry (or the in-process one). */
    Topics topics(final OrchestratorConfig config) {
        return Topics.create(config.string(ConfigKey.TOPIC_PREFIX), Instance.registry(config));
    }
}
