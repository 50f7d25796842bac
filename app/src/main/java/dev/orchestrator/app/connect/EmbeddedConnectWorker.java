package dev.orchestrator.app.connect;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone Kafka Connect worker inside this JVM, running one connector: how the demo executes
 * its commands with no setup. Production runs the same connector in a Connect cluster (README).
 */
public final class EmbeddedConnectWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedConnectWorker.class);

    private final Connect<StandaloneHerder> connect;
    private final String name;

    private EmbeddedConnectWorker(final Connect<StandaloneHerder> connect, final String name) {
        this.connect = connect;
        this.name = name;
    }

    /** Stops the connector's tasks from taking records, until {@link #resume()}. */
    public void pause() {
        connect.herder().pauseConnector(name);
    }

    public void resume() {
        connect.herder().resumeConnector(name);
    }

    /** Starts a worker on {@code bootstrap} (sink offsets in the cluster, source offsets in {@code offsetsFile}) and submits the connector. */
    public static EmbeddedConnectWorker start(final String bootstrap, final Path offsetsFile, final String name,
                                              final Map<String, String> connector) {
        withoutConnectsOwnShutdownHook();
        final Connect<StandaloneHerder> connect = new ConnectStandalone().startConnect(settings(bootstrap, offsetsFile));
        final FutureCallback<Herder.Created<ConnectorInfo>> created = new FutureCallback<>();
        connect.herder().putConnectorConfig(name, connector, true, created);
        try {
            created.get(60, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            connect.stop();
            throw new IllegalStateException("interrupted while starting connector " + name, e);
        } catch (final ExecutionException | TimeoutException e) {
            connect.stop();
            throw new IllegalStateException("connector " + name + " did not start: "
                    + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        }
        LOG.info("connect worker started connector={} class={}", name, connector.get("connector.class"));
        return new EmbeddedConnectWorker(connect, name);
    }

    /** A standalone worker's settings: sink offsets in the cluster, source offsets in {@code offsetsFile}. */
    public static Map<String, String> settings(final String bootstrap, final Path offsetsFile) {
        final Map<String, String> worker = new HashMap<>();
        worker.put("bootstrap.servers", bootstrap);
        worker.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        worker.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        worker.put("offset.storage.file.filename", offsetsFile.toString());
        worker.put("offset.flush.interval.ms", "1000");
        // only this loopback port, picked free; the demo talks to the connector through Kafka, not REST
        worker.put("listeners", "http://127.0.0.1:0");
        // plugins are on the class path with ServiceLoader manifests: no reflective scan of every jar
        worker.put("plugin.discovery", "service_load");
        worker.put("consumer.session.timeout.ms", "10000");
        return worker;
    }

    /** Stops the worker and its tasks, with the broker still up (the caller closes it next). */
    @Override
    public void close() {
        connect.stop();
    }

    /**
     * Connect registers a JVM shutdown hook that stops the worker when the JVM stops. Embedded, the
     * worker is stopped by whoever started it, in order (before the broker its tasks use): Connect's own
     * hook would stop it at the same time as the broker, leaving its tasks retrying a broker that is
     * gone, and the JVM waiting for them. Only that hook is left out; every other one is added as usual.
     */
    private static synchronized void withoutConnectsOwnShutdownHook() {
        if (!hookFiltered) {
            org.apache.kafka.common.utils.Exit.setShutdownHookAdder((hookName, runnable) -> {
                if (!"connect-shutdown-hook".equals(hookName)) {
                    Runtime.getRuntime().addShutdownHook(hookName == null ? new Thread(runnable)
                            : new org.apache.kafka.common.utils.KafkaThread(hookName, runnable, false));
                }
            });
            hookFiltered = true;
        }
    }

    private static boolean hookFiltered;
}
