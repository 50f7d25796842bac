package dev.orchestrator.app.chaos;

import dev.orchestrator.app.LocalPorts;
import dev.orchestrator.app.broker.KraftCluster;
import dev.orchestrator.app.demo.SimulatedExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scenario's processes: an out-of-process broker (or a multi-node cluster the scenario owns)
 * and named engine JVMs, all stopped on close.
 */
final class Rig implements AutoCloseable {
    private static final Pattern HTTP_PORT = Pattern.compile("orchestrator running: .* http=http://[^:]+:(\\d+)");

    private final Processes processes;
    private final int port;
    private final String bootstrap;
    private final Map<String, Process> engines = new LinkedHashMap<>();
    private Process broker;
    private SimulatedExecutor executor;

    Rig(final Path dir) throws IOException, InterruptedException {
        this.processes = new Processes(dir);
        this.port = LocalPorts.freeStable();
        this.bootstrap = "127.0.0.1:" + port;
        this.broker = processes.broker(port);
    }

    /** Engines against {@code cluster}, which the caller starts and closes. */
    Rig(final Path dir, final KraftCluster cluster) {
        this.processes = new Processes(dir);
        this.port = -1;
        this.bootstrap = cluster.bootstrapServers();
    }

    String bootstrap() {
        return bootstrap;
    }

    /** The HTTP port engine {@code name} serves on now (its last start's). */
    int httpPort(final String name) throws IOException {
        final Matcher matcher = HTTP_PORT.matcher(Files.readString(processes.dir().resolve(name + ".log")));
        int found = -1;
        while (matcher.find()) {
            found = Integer.parseInt(matcher.group(1));
        }
        if (found < 0) {
            throw new IllegalStateException(name + " has not said where it serves HTTP");
        }
        return found;
    }

    /** Starts (or restarts) engine {@code name}. */
    void engine(final String name, final List<String> settings) throws IOException {
        engines.put(name, processes.engine(name, bootstrap(), settings));
    }

    /** One engine named "engine" with the default settings, running, and the executor. */
    void startOneEngine() throws IOException, InterruptedException {
        engine("engine", List.of());
        awaitRunning("engine");
        startExecutor();
    }

    /** The demo's stand-in executor, so reservations are confirmed as a real executor would, not left to expire. */
    void startExecutor() {
        executor = new SimulatedExecutor(bootstrap(), ChaosLoad.topics());
        executor.start();
    }

    void awaitRunning(final String name) throws IOException, InterruptedException {
        processes.awaitLog(name, "-> RUNNING", Duration.ofSeconds(90));
    }

    /** Waits until engine {@code name}'s log has said {@code line} {@code times} times (once per start). */
    void awaitLogged(final String name, final String line, final int times) throws IOException, InterruptedException {
        processes.awaitLog(name, line, times, Duration.ofSeconds(90));
    }

    void kill(final String name) throws InterruptedException {
        Processes.kill(engines.get(name));
    }

    boolean alive(final String name) {
        return engines.get(name).isAlive();
    }

    /** SIGKILLs the broker, waits {@code pause}, starts it on the same data; returns the seconds it was down. */
    double killAndRestartBroker(final Duration pause) throws IOException, InterruptedException {
        final long killed = System.nanoTime();
        Processes.kill(broker);
        Thread.sleep(pause.toMillis());
        broker = processes.broker(port);
        return (System.nanoTime() - killed) / 1e9;
    }

    /** Stops the executor and every engine cleanly (SIGTERM), leaving the brokers up. */
    void stopEngines() throws InterruptedException {
        if (executor != null) {
            executor.close();
            executor = null;
        }
        for (final Process engine : engines.values()) {
            Processes.stop(engine);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (executor != null) {
            executor.close();
        }
        for (final Process engine : engines.values()) {
            Processes.stop(engine);
        }
        if (broker != null) {
            Processes.stop(broker);
        }
    }
}
