package dev.orchestrator.app.chaos;

import dev.orchestrator.app.Main;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Brokers and engines as separate JVMs from the orchestrator's own jar, so a fault can be a real
 * SIGKILL. Each process logs to {@code <dir>/<name>.log}; every wait is bounded.
 */
public final class Processes {
    private final Path dir;
    private final Path jar;

    public Processes(final Path dir) {
        this.dir = dir;
        this.jar = jar();
    }

    /** The jar to launch: {@code -Dorchestrator.jar}, else the jar this class was loaded from. */
    static Path jar() {
        final String configured = System.getProperty("orchestrator.jar");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath();
        }
        try {
            final Path self = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(self)) {
                return self;
            }
        } catch (final URISyntaxException | SecurityException e) {
            // fall through to the build's location
        }
        return Path.of("app", "target", "orchestrator.jar").toAbsolutePath();
    }

    /**
     * The {@code java} command for a process started from this JVM, with the options of
     * {@code -Dorchestrator.child.jvm.options} (space-separated) first. The test command passes
     * {@code -XX:TieredStopAtLevel=1}: on two cores a freshly started JVM's optimizing compiler competes with the
     * catch-up after each SIGKILL: the five short fault runs took 259 s with C1 alone against 340-346 s.
     */
    private static List<String> java() {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        final String options = System.getProperty("orchestrator.child.jvm.options", "").trim();
        if (!options.isEmpty()) {
            command.addAll(List.of(options.split("\\s+")));
        }
        return command;
    }

    /** {@link #java()} followed by {@code args}. */
    public static List<String> javaCommand(final String... args) {
        final List<String> command = java();
        command.addAll(List.of(args));
        return command;
    }

    public Path dir() {
        return dir;
    }

    /** A single-node KRaft broker ({@code orchestrator broker}) on {@code port}, data under {@code <dir>/broker}. */
    public Process broker(final int port) throws IOException, InterruptedException {
        final Process broker = start("broker", List.of("-Xmx512m", "-jar", jar.toString(), "broker", "--data",
                dir.resolve("broker").toString(), "--port", String.valueOf(port)));
        awaitPort(port, broker);
        return broker;
    }

    /** An {@code orchestrator run} JVM against {@code bootstrap}, state under {@code <dir>/<name>}. */
    public Process engine(final String name, final String bootstrap, final List<String> settings) throws IOException {
        return engine(name, bootstrap, settings, "384m");
    }

    /** As {@link #engine(String, String, List)}, with {@code heap} as the JVM's -Xmx. */
    public Process engine(final String name, final String bootstrap, final List<String> settings, final String heap)
            throws IOException {
        final List<String> args = new ArrayList<>(List.of("-Xmx" + heap, "-jar", jar.toString(), "run", "--bootstrap", bootstrap,
                "--http-port", "0", "--set", "state.dir=" + dir.resolve(name), "--set", "http.host=127.0.0.1"));
        for (final String setting : settings) {
            args.add("--set");
            args.add(setting);
        }
        return start(name, args);
    }

    /** Waits until {@code <name>.log} contains {@code line}; fails with the log's tail. */
    public void awaitLog(final String name, final String line, final Duration timeout) throws IOException, InterruptedException {
        awaitLog(name, line, 1, timeout);
    }

    /** Waits until {@code <name>.log} contains {@code line} at least {@code times} times (a restarted process appends). */
    public void awaitLog(final String name, final String line, final int times, final Duration timeout)
            throws IOException, InterruptedException {
        final Path log = dir.resolve(name + ".log");
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && occurrences(Files.readString(log), line) >= times) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " never logged '" + line + "' within " + timeout.toSeconds() + " s; see " + log);
    }

    private static int occurrences(final String text, final String line) {
        int count = 0;
        for (int at = text.indexOf(line); at >= 0; at = text.indexOf(line, at + line.length())) {
            count++;
        }
        return count;
    }

    /** SIGKILL, then wait for the process to be gone. */
    public static void kill(final Process process) throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then SIGKILL if it has not stopped in 30 s. */
    public static void stop(final Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill(process);
        }
    }

    private Process start(final String name, final List<String> args) throws IOException {
        Files.createDirectories(dir);
        final List<String> command = java();
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
    }

    private void awaitPort(final int port, final Process broker) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && broker.isAlive()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (final IOException e) {
                Thread.sleep(250);
            }
        }
        throw new IllegalStateException("the broker did not listen on port " + port + "; see " + dir.resolve("broker.log"));
    }
}
