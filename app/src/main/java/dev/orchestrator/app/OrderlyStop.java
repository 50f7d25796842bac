package dev.orchestrator.app;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a process's parts in order, each within a bound: a part whose close hangs is named in the log
 * with where it waits, and the stop goes on, so SIGTERM always ends the process (a hung close would
 * otherwise keep it alive until someone sends SIGKILL, which is what operators then learn to do).
 */
final class OrderlyStop {
    private static final Logger LOG = LoggerFactory.getLogger(OrderlyStop.class);

    private final Duration bound;

    OrderlyStop(final Duration bound) {
        this.bound = bound;
    }

    /** Closes each of {@code parts} in turn; returns how many did not finish within the bound. */
    int close(final List<? extends AutoCloseable> parts) throws InterruptedException {
        int hung = 0;
        for (final AutoCloseable part : parts) {
            final String name = part.getClass().getSimpleName();
            final Thread closing = new Thread(() -> {
                try {
                    part.close();
                } catch (final Exception e) {
                    LOG.warn("error while stopping {}: {}", name, e.toString());
                }
            }, "orchestrator-stop-" + name);
            closing.setDaemon(true);
            closing.start();
            closing.join(bound.toMillis());
            if (closing.isAlive()) {
                hung++;
                LOG.warn("stopping {} did not finish within {} s; going on without it. It waits at:{}", name,
                        bound.toMillis() / 1000.0, where(closing));
            }
        }
        return hung;
    }

    /** The hung thread's top frames, one per line, so the log says where without a full thread dump. */
    private static String where(final Thread thread) {
        return Arrays.stream(thread.getStackTrace()).limit(25).map(f -> "\n    at " + f).collect(Collectors.joining());
    }
}
