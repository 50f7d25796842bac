package dev.orchestrator.app.bench;

import dev.orchestrator.app.chaos.Processes;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The engine as {@code count} instances in JVMs of their own ({@code orchestrator run} from this
 * jar), sharing one application id, for scale-out runs; each logs to {@code <dir>/engine-N.log}.
 * Stopped with SIGTERM on close.
 */
public final class SeparateEngines implements AutoCloseable {
    private final List<Process> engines = new ArrayList<>();

    private SeparateEngines() {
    }

    /** Starts the instances with {@code settings} (key=value) and waits until every one is running. */
    public static SeparateEngines start(final int count, final String bootstrap, final Map<String, String> settings,
                                        final String heap, final Path dir, final java.io.PrintStream out)
            throws IOException, InterruptedException {
        final Processes processes = new Processes(dir);
        final List<String> flags = settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        final SeparateEngines engines = new SeparateEngines();
        try {
            for (int i = 1; i <= count; i++) {
                engines.engines.add(processes.engine("engine-" + i, bootstrap, flags, heap));
            }
            for (int i = 1; i <= count; i++) {
                processes.awaitLog("engine-" + i, "-> RUNNING", Duration.ofSeconds(120));
            }
        } catch (final IOException | InterruptedException | RuntimeException e) {
            engines.close();
            throw e;
        }
        out.printf("... %d engine JVMs running (logs: %s/engine-N.log)%n", count, dir);
        return engines;
    }

    @Override
    public void close() throws InterruptedException {
        for (final Process engine : engines) {
            Processes.stop(engine);
        }
    }
}
