package dev.orchestrator.app.chaos;

import dev.orchestrator.app.LocalPorts;
import dev.orchestrator.app.demo.SimulatedExecutor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One scenario's processes: an out-of-process broker and named engine JVMs, all stopped on close. */
final class Rig implements AutoCloseable {
    private final Processes processes;
    private final int port;
    private final Map<String, Process> engines = new LinkedHashMap<>();
    private Process broker;
    private SimulatedExecutor executor;

    Rig(final Path dir) throws IOException, InterruptedException {
        this.processes = new Processes(dir);
        this.port = LocalPorts.freeStable();
        this.broker = processes.broker(port);
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
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

    @Override
    public void close() throws InterruptedException {
        if (executor != null) {
            executor.close();
        }
        for (final Process engine : engines.values()) {
            Processes.stop(engine);
        }
        Processes.stop(broker);
    }
}
