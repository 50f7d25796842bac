package dev.orchestrator.connectors.executor;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One queue per data unit over a shared pool: a unit's jobs run one at a time in arrival order, while
 * other units' jobs run beside them, so a unit stuck in retries holds up only itself.
 */
final class UnitQueues {
    private static final Logger LOG = LoggerFactory.getLogger(UnitQueues.class);
    private final ExecutorService pool;
    private final Map<String, Queue<Runnable>> waiting = new HashMap<>();

    UnitQueues(final ExecutorService pool) {
        this.pool = pool;
    }

    /** Runs {@code job} after every job submitted earlier for {@code unitId}. */
    synchronized void submit(final String unitId, final Runnable job) {
        final Queue<Runnable> queue = waiting.get(unitId);
        if (queue != null) {
            queue.add(job);
            return;
        }
        waiting.put(unitId, new ArrayDeque<>());
        pool.execute(() -> runThenNext(unitId, job));
    }

    private void runThenNext(final String unitId, final Runnable job) {
        Runnable next = job;
        while (next != null) {
            try {
                next.run();
            } catch (final RuntimeException e) {
                // a job reports its own failures; this is a bug, and the unit's later jobs must still run
                LOG.error("job of unit={} threw", unitId, e);
            }
            next = following(unitId);
            if (!pool.isShutdown()) {
                // an interrupt meant for the job that just ended (its partition was revoked) must not end the next one
                Thread.interrupted();
            }
        }
    }

    private synchronized Runnable following(final String unitId) {
        final Queue<Runnable> queue = waiting.get(unitId);
        final Runnable next = queue == null ? null : queue.poll();
        if (next == null) {
            waiting.remove(unitId);
        }
        return next;
    }

    /** Units with a job running or waiting. */
    synchronized int busyUnits() {
        return waiting.size();
    }
}
