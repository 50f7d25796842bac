package dev.orchestrator.app;

import dev.orchestrator.api.query.QueueQueries;
import dev.orchestrator.api.query.Views;
import dev.orchestrator.topology.read.EngineReads;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wait queues of this instance's tasks on /metrics, refreshed every few seconds off the stream
 * thread: demands waiting per pool and the longest wait so far, and per priority how many wait, how
 * many were placed after waiting, their mean and longest wait, and how many waits expired; and the gangs.
 */
final class QueueGauges implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueueGauges.class);
    private static final long EVERY_SECONDS = 5;

    private final EngineReads reads;
    private final MultiGauge waiting;
    private final MultiGauge oldest;
    private final MultiGauge byPriority;
    private final MultiGauge placed;
    private final MultiGauge meanWait;
    private final MultiGauge longestWait;
    private final MultiGauge expired;
    private final MultiGauge gangs;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        final Thread thread = new Thread(r, "queue-gauges");
        thread.setDaemon(true);
        return thread;
    });

    QueueGauges(final EngineReads reads, final MeterRegistry registry) {
        this.reads = reads;
        waiting = gauge(registry, "orchestrator_queue_waiting", "demands waiting for capacity, per pool (kind/regions asked)");
        oldest = gauge(registry, "orchestrator_queue_oldest_wait_seconds", "how long the longest-waiting demand of a pool has waited");
        byPriority = gauge(registry, "orchestrator_queue_waiting_by_priority", "demands waiting for capacity, per priority");
        placed = gauge(registry, "orchestrator_queue_placed_after_waiting", "demands placed after waiting, per priority, since start");
        meanWait = gauge(registry, "orchestrator_queue_wait_seconds_mean", "mean wait of the demands placed after waiting, per priority");
        longestWait = gauge(registry, "orchestrator_queue_wait_seconds_max", "longest wait of a demand placed after waiting, per priority");
        expired = gauge(registry, "orchestrator_queue_wait_expired", "waits that ended WAIT_EXPIRED, per priority, since start");
        gangs = gauge(registry, "orchestrator_gangs", "gangs (groupId, minMembers): gathering and members waiting now; "
                + "placed, timed out and handed to another task since start (state)");
        timer.scheduleWithFixedDelay(this::refresh, 0, EVERY_SECONDS, TimeUnit.SECONDS);
    }

    private static MultiGauge gauge(final MeterRegistry registry, final String name, final String description) {
        return MultiGauge.builder(name).description(description).register(registry);
    }

    private void refresh() {
        try {
            final Views.Queues queues = QueueQueries.merge(reads.queues(), System.currentTimeMillis());
            final List<MultiGauge.Row<?>> waitingRows = new ArrayList<>();
            final List<MultiGauge.Row<?>> oldestRows = new ArrayList<>();
            for (final Views.QueuePool pool : queues.pools()) {
                waitingRows.add(MultiGauge.Row.of(Tags.of("pool", pool.pool()), pool.waiting()));
                oldestRows.add(MultiGauge.Row.of(Tags.of("pool", pool.pool()), pool.oldestWaitSeconds()));
            }
            final List<List<MultiGauge.Row<?>>> rows = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                    new ArrayList<>(), new ArrayList<>());
            for (final Views.QueuePriority p : queues.priorities()) {
                final Tags tags = Tags.of("priority", Integer.toString(p.priority()));
                rows.get(0).add(MultiGauge.Row.of(tags, p.waiting()));
                rows.get(1).add(MultiGauge.Row.of(tags, p.placedAfterWaiting()));
                rows.get(2).add(MultiGauge.Row.of(tags, p.meanWaitSeconds()));
                rows.get(3).add(MultiGauge.Row.of(tags, p.longestWaitSeconds()));
                rows.get(4).add(MultiGauge.Row.of(tags, p.expired()));
            }
            waiting.register(waitingRows, true);
            oldest.register(oldestRows, true);
            byPriority.register(rows.get(0), true);
            placed.register(rows.get(1), true);
            meanWait.register(rows.get(2), true);
            longestWait.register(rows.get(3), true);
            expired.register(rows.get(4), true);
            final Views.QueueGangs g = queues.gangs();
            gangs.register(List.of(MultiGauge.Row.of(Tags.of("state", "gathering"), g.gathering()),
                    MultiGauge.Row.of(Tags.of("state", "members_waiting"), g.membersWaiting()),
                    MultiGauge.Row.of(Tags.of("state", "placed"), g.placed()),
                    MultiGauge.Row.of(Tags.of("state", "timed_out"), g.timedOut()),
                    MultiGauge.Row.of(Tags.of("state", "handed_over"), g.handedOver())), true);
        } catch (final RuntimeException e) {
            LOG.warn("queue gauges not refreshed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
