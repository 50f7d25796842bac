package dev.orchestrator.app;

import dev.orchestrator.app.config.ConfigKey;
import dev.orchestrator.app.config.ConfigLoader;
import dev.orchestrator.app.config.OrchestratorConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** One instance against an existing Kafka cluster. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run one instance against an existing Kafka cluster. Start more with the same "
                + "application.id to share the work.")
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    /** Each part's close is bounded; the parts together stay within the 60 s a supervisor usually grants. */
    private static final Duration STOP_BOUND = Duration.ofSeconds(15);

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka brokers (bootstrap.servers)")
    String bootstrap;

    @Override
    public Integer call() throws InterruptedException {
        final OrchestratorConfig config = options.load(ConfigLoader.Mode.RUN,
                bootstrap == null ? Map.of() : Map.of(ConfigKey.BOOTSTRAP_SERVERS.key(), bootstrap));
        config.describe().forEach(line -> LOG.info("setting {}", line));
        final Instance instance = Instance.start(config);
        System.out.printf("orchestrator running: bootstrap=%s http=http://%s:%d%n",
                config.string(ConfigKey.BOOTSTRAP_SERVERS), config.string(ConfigKey.HTTP_HOST), instance.httpPort());
        awaitShutdown(instance);
        return 0;
    }

    /** Blocks until the JVM is asked to stop, then closes {@code resources} in order, each within 30 s. */
    static void awaitShutdown(final AutoCloseable... resources) throws InterruptedException {
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping...");
            try {
                final int hung = new OrderlyStop(STOP_BOUND).close(List.of(resources));
                System.out.println(hung == 0 ? "stopped" : "stopped (" + hung + " part(s) did not finish closing; see the log)");
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopped.countDown();
        }, "orchestrator-shutdown"));
        stopped.await();
    }
}
