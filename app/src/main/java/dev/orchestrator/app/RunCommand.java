package dev.orchestrator.app;

import dev.orchestrator.app.config.ConfigKey;
import dev.orchestrator.app.config.ConfigLoader;
import dev.orchestrator.app.config.OrchestratorConfig;
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

    /** Blocks until the JVM is asked to stop, then closes {@code resources} in order. */
    static void awaitShutdown(final AutoCloseable... resources) throws InterruptedException {
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping...");
            for (final AutoCloseable resource : resources) {
                try {
                    resource.close();
                } catch (final Exception e) {
                    LOG.warn("error while stopping {}: {}", resource.getClass().getSimpleName(), e.toString());
                }
            }
            System.out.println("stopped");
            stopped.countDown();
        }, "orchestrator-shutdown"));
        stopped.await();
    }
}
