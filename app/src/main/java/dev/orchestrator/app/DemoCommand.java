package dev.orchestrator.app;

import dev.orchestrator.app.broker.EmbeddedKafkaBroker;
import dev.orchestrator.app.config.ConfigKey;
import dev.orchestrator.app.connect.EmbeddedConnectWorker;
import dev.orchestrator.app.connect.SettlementWorker;
import dev.orchestrator.app.connect.ExecutorConnector;
import dev.orchestrator.app.config.ConfigLoader;
import dev.orchestrator.app.config.ConfigException;
import dev.orchestrator.app.config.OrchestratorConfig;
import dev.orchestrator.app.demo.FleetSimulator;
import dev.orchestrator.schemas.Topic;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Everything on one machine with no setup: an embedded broker, the engine and the HTTP API. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start an embedded single-node Kafka broker (KRaft), create the topics, and run the engine "
                + "and the HTTP API on it, with a simulated provider fleet and demand stream, and the command executor "
                + "(Kafka Connect, simulated provider adapter). Data lives "
                + "under data/demo; delete that folder to start afresh.", "Stop with Ctrl-C."})
final class DemoCommand implements Callable<Integer> {
    /** The demo's provider: ready after a provisioning delay, and one resource in fifty fails. */
    private static final Map<String, String> SIMULATED_PROVIDER = Map.of("type", "simulated", "delay.ms", "800",
            "failure.rate", "0.02", "seed", "11", "fleet", dev.orchestrator.app.demo.FleetSimulator.FLEET);

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = "--no-simulator", description = "run only the broker, engine and API: no simulated fleet, "
            + "demand or executor")
    boolean noSimulator;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "20",
            description = "simulated demands per second (default: ${DEFAULT-VALUE})")
    double rate;

    @Override
    public Integer call() throws InterruptedException {
        final OrchestratorConfig settings = options.load(ConfigLoader.Mode.DEMO, Map.of());
        final long started = System.nanoTime();
        step("starting embedded Kafka broker in " + settings.path(ConfigKey.BROKER_DATA_DIR).toAbsolutePath());
        final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(
                settings.path(ConfigKey.BROKER_DATA_DIR), settings.integer(ConfigKey.BROKER_PORT));
        // the demo is one instance: as a static group member it takes its partitions back at once after
        // a crash, instead of waiting out the dead member's session (45 s of REBALANCING)
        final OrchestratorConfig config = settings.with(ConfigKey.BOOTSTRAP_SERVERS, broker.bootstrapServers())
                .withKafkaDefault(StreamsConfig.MAIN_CONSUMER_PREFIX + ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
                        settings.string(ConfigKey.APPLICATION_ID));
        step("starting engine and HTTP API");
        final Instance instance;
        try {
            instance = Instance.start(config);
        } catch (final RuntimeException e) {
            broker.close();
            throw e;
        }
        printBanner(config, broker, instance, seconds(started));
        if (noSimulator) {
            RunCommand.awaitShutdown(instance, broker);
            return 0;
        }
        if (!(rate > 0 && rate <= 10_000)) {
            throw new ConfigException("--rate=" + rate + ": expected a number of demands per second from 0 to 10000");
        }
        step("starting the command executor: a Kafka Connect worker in this JVM, with the simulated provider adapter");
        final EmbeddedConnectWorker executor;
        try {
            executor = EmbeddedConnectWorker.start(broker.bootstrapServers(),
                    config.path(ConfigKey.STATE_DIR).resolve("connect.offsets"), ExecutorConnector.NAME,
                    ExecutorConnector.config(instance.topics(), broker.bootstrapServers(), 2, SIMULATED_PROVIDER));
        } catch (final RuntimeException e) {
            instance.close();
            broker.close();
            throw e;
        }
        final boolean payments = config.bool(ConfigKey.PAYMENTS_ENABLED);
        SettlementWorker settlement = null;
        if (payments) {
            step("starting Stellar settlement: a Kafka Connect worker with the settlement connector, against a local Horizon stand-in");
            try {
                settlement = SettlementWorker.startDemo(instance.topics(), broker.bootstrapServers(),
                        config.path(ConfigKey.STATE_DIR));
            } catch (final RuntimeException e) {
                executor.close();
                instance.close();
                broker.close();
                throw e;
            }
        }
        final FleetSimulator fleet = new FleetSimulator(broker.bootstrapServers(), instance.topics(), payments,
                config.string(ConfigKey.CURRENCY_BASE));
        fleet.start(rate);
        System.out.printf("simulating %d providers (storage disks; a100, l4 and CPU compute pools in several regions) and%n"
                + "demand at %.0f/s (a quarter of it compute); connector %s provisions through the simulated%n"
                + "adapter (ready 0.8 s after provisioning; 2%% of resources fail and are placed again). Watch decisions with%n"
                + "  ./orchestrator tail allocations%n", FleetSimulator.ALL_PROVIDERS, rate, ExecutorConnector.NAME);
        if (payments) {
            System.out.printf("payments on: consumers deposit, providers stake, each %d s period is locked and released or%n"
                    + "refunded, provider-4 breaks the gold SLA and is slashed. Watch money with%n"
                    + "  curl localhost:%d/v1/consumers/team-a/account   and   ./orchestrator tail payments%n",
                    config.integer(ConfigKey.PAYMENTS_PERIOD_MS) / 1000, instance.httpPort());
            RunCommand.awaitShutdown(fleet, settlement, executor, instance, broker);
        } else {
            RunCommand.awaitShutdown(fleet, executor, instance, broker);
        }
        return 0;
    }

    private static void printBanner(final OrchestratorConfig config, final EmbeddedKafkaBroker broker,
                                    final Instance instance, final String elapsed) {
        final StringBuilder out = new StringBuilder();
        out.append(String.format("%norchestrator demo up in %s s%n", elapsed));
        out.append(String.format("  Kafka bootstrap  %s%n", broker.bootstrapServers()));
        out.append(String.format("  HTTP API         http://%s:%d  (health: /health/ready)%n",
                config.string(ConfigKey.HTTP_HOST), instance.httpPort()));
        out.append(String.format("  dashboard        http://localhost:%d/%n", instance.httpPort()));
        out.append(String.format("  broker data      %s%n", broker.dataDir().toAbsolutePath()));
        out.append(String.format("  state            %s%n", config.path(ConfigKey.STATE_DIR).toAbsolutePath()));
        out.append(String.format("  topics (%d partitions each when created; values are Avro in the Confluent framing)%n",
                config.integer(ConfigKey.TOPIC_PARTITIONS)));
        for (final Topic<?, ?> topic : instance.topics().all()) {
            out.append(String.format("    %s%s%n", topic.name(),
                    instance.createdTopics().contains(topic.name()) ? "  (created)" : ""));
        }
        out.append(String.format("Ctrl-C to stop.%n"));
        System.out.print(out);
        System.out.flush();
    }

    private static void step(final String what) {
        System.out.println("... " + what);
    }

    private static String seconds(final long startNanos) {
        return String.format("%.1f", (System.nanoTime() - startNanos) / 1e9);
    }
}
