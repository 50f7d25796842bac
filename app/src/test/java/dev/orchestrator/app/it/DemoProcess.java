package dev.orchestrator.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.app.chaos.Processes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code orchestrator demo} from the packaged jar, as a user starts it, with its output captured line by line. */
record DemoProcess(Process process, List<String> lines, Thread reader) {
    private static final Pattern HTTP_URL = Pattern.compile("HTTP API\\s+http://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern TIMESTAMP = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ");
    static final String JAR = System.getProperty("orchestrator.jar", "target/orchestrator.jar");

    /** The demo's HTTP base URL, once it has printed it. */
    String baseUrl() {
        final Matcher url = HTTP_URL.matcher(output());
        return url.find() ? "http://127.0.0.1:" + url.group(1) : null;
    }

    /** Starts the demo on {@code dir}'s data; its broker on a free port unless {@code extra} sets broker.port. */
    static DemoProcess start(final Path dir, final String... extra) throws IOException {
        final List<String> command = Processes.javaCommand("-Xmx512m", "-jar", JAR, "demo", "--http-port", "0",
                "--set", "broker.data.dir=" + dir.resolve("broker"), "--set", "state.dir=" + dir.resolve("state"));
        if (Arrays.stream(extra).noneMatch(a -> a.startsWith("broker.port="))) {
            command.addAll(List.of("--set", "broker.port=0"));
        }
        command.addAll(List.of(extra));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final List<String> lines = new CopyOnWriteArrayList<>();
        final Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
            } catch (final IOException e) {
                lines.add("output closed: " + e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        return new DemoProcess(process, lines, reader);
    }

    /**
     * What the demo printed, a run of lines that differ only in their timestamp folded into the first
     * and a count: a retry loop's two minutes would otherwise crowd everything else out of a report.
     */
    String output() {
        final StringBuilder out = new StringBuilder();
        String previous = null;
        int repeats = 0;
        for (final String line : lines) {
            final String body = TIMESTAMP.matcher(line).replaceFirst("");
            if (body.equals(previous)) {
                repeats++;
                continue;
            }
            appendRepeats(out, repeats);
            repeats = 0;
            previous = body;
            out.append(out.isEmpty() ? "" : "\n").append(line);
        }
        appendRepeats(out, repeats);
        return out.toString();
    }

    /** Every thread of the demo whose stack passes through the project's code, as jcmd prints them. */
    String ownThreads() throws IOException, InterruptedException {
        if (!process.isAlive()) {
            return "(exited with " + process.exitValue() + ")";
        }
        final StringBuilder out = new StringBuilder();
        for (final String block : threadDump().split("\n\n")) {
            // Kafka's ShutdownableThread is not a shutdown hook: match the JVM's hook runner by class
            if (block.contains("dev.orchestrator") || block.contains("java.lang.ApplicationShutdownHooks")
                    || block.contains("java.lang.Shutdown.")) {
                out.append(compact(block)).append("\n\n");
            }
        }
        return tail(out.toString(), 12_000);
    }

    /** A thread's name, state and at most 14 frames: a report is cut in the middle when it runs long. */
    private static String compact(final String block) {
        final List<String> lines = block.lines().filter(l -> !l.strip().startsWith("- ")).toList();
        return String.join("\n", lines.subList(0, Math.min(lines.size(), 16)));
    }

    private String threadDump() throws IOException, InterruptedException {
        final Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        final Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
                .redirectErrorStream(true).start();
        final String threads = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        dump.waitFor(30, TimeUnit.SECONDS);
        return threads;
    }

    private static String tail(final String text, final int max) {
        return text.length() > max ? text.substring(text.length() - max) : text;
    }

    /** The demo's main thread as jcmd prints it: where a start that never gets ready is waiting. */
    String mainThread() throws IOException, InterruptedException {
        if (!process.isAlive()) {
            return "(exited with " + process.exitValue() + ")";
        }
        final String threads = threadDump();
        final int main = threads.indexOf("\"main\"");
        if (main < 0) {
            return threads;
        }
        final int end = threads.indexOf("\n\n", main);
        return threads.substring(main, end < 0 ? threads.length() : end);
    }

    private static void appendRepeats(final StringBuilder out, final int repeats) {
        if (repeats > 0) {
            out.append("\n  (the same line ").append(repeats).append(" more times)");
        }
    }

    boolean awaitReady(final Duration timeout) throws InterruptedException {
        final HttpClient http = HttpClient.newHttpClient();
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            final String base = baseUrl();
            if (base != null) {
                try {
                    final HttpResponse<Void> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (ready.statusCode() == 200) {
                        return true;
                    }
                } catch (final IOException e) {
                    // not listening yet
                }
            }
            Thread.sleep(250);
        }
        return false;
    }

    /**
     * SIGTERM runs the same shutdown hook as Ctrl-C's SIGINT, which a JVM started without a terminal
     * may ignore. Sent through the handle: Process.destroy() would also close the output we read.
     */
    void stopAndAssertGone() throws InterruptedException, IOException {
        final List<ProcessHandle> children = process.descendants().toList();
        process.toHandle().destroy();
        final boolean stopped = process.waitFor(60, TimeUnit.SECONDS);
        // a stop that hangs says where: the threads in the project's code, and the last lines printed
        // the threads last: a long report is cut in its middle, and they say most
        assertThat(stopped).as("stopped within 60 s; last output:%n%s%nthreads in dev.orchestrator and shutdown hooks:%n%s",
                stopped ? "" : tail(output(), 3_000), stopped ? "" : ownThreads()).isTrue();
        reader.join(10_000);
        assertThat(children).noneMatch(ProcessHandle::isAlive);
        assertThat(output()).contains("embedded broker stopped", "stopped");
    }
}
