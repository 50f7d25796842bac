package dev.orchestrator.app.bench.query;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

/**
 * GETs against the read API at a fixed rate, open-loop: each worker owns a share of the schedule and
 * latency counts from a request's intended start, so a slow answer delays the next ones and shows up
 * in the percentiles instead of lowering the rate. The mix: 45% a unit by id, 45% a decided demand
 * by id, 10% a page of units of one region. The first three seconds are a warm-up and not counted.
 */
public final class QueryLoad implements AutoCloseable {
    private static final int WORKERS = 64;
    private static final int RECENT = 4_096;
    /** The first seconds of load compile the read path and grow the server's thread pool: not measured. */
    private static final long WARM_UP_NANOS = 3_000_000_000L;

    private final String base;
    private final double rate;
    private final int units;
    private final int regions;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, Recorder> byKind = new TreeMap<>(Map.of("unit", recorder(), "demand", recorder(), "units-page", recorder()));
    private final Recorder all = recorder();
    private final AtomicReferenceArray<String> recentDemands = new AtomicReferenceArray<>(RECENT);
    private final AtomicLong recentCount = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(QueryLoad.class);
    /** Failed queries logged one line each; the rest are only counted. */
    private static final int LOGGED_ERRORS = 5;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong warmUpErrors = new AtomicLong();
    /** Failures of the measured window by cause (a status code or an exception's class), for the report. */
    private final Map<String, AtomicLong> causes = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running;

    public QueryLoad(final String base, final double rate, final int units, final int regions) {
        this.base = base;
        this.rate = rate;
        this.units = units;
        this.regions = regions;
    }

    /** A demand that has been decided, so that asking for it measures a hit, not a 404. */
    public void decided(final String demandId) {
        recentDemands.set((int) (recentCount.getAndIncrement() % RECENT), demandId);
    }

    public void start() {
        running = true;
        final long startNanos = System.nanoTime();
        for (int w = 0; w < WORKERS; w++) {
            final int worker = w;
            final Thread thread = new Thread(() -> work(worker, startNanos), "query-load-" + w);
            thread.setDaemon(true);
            workers.add(thread);
            thread.start();
        }
    }

    /**
     * Counts a failed query in the window its request belongs to, so errors and requests are counted over
     * the same window; the first few of each are logged with what failed, so a count can be explained.
     */
    private void failed(final boolean measured, final String path, final String cause, final String why) {
        final long count = (measured ? errors : warmUpErrors).incrementAndGet();
        if (measured) {
            causes.computeIfAbsent(cause, c -> new AtomicLong()).incrementAndGet();
        }
        if (count <= LOGGED_ERRORS) {
            LOG.warn("query failed{} path={} {}", measured ? "" : " (warm-up)", path, why);
        }
    }

    private void work(final int worker, final long startNanos) {
        final Random random = new Random(worker);
        final long intervalNanos = (long) (1e9 * WORKERS / rate);
        long intended = startNanos + (long) (1e9 * worker / rate);
        while (running) {
            final long wait = intended - System.nanoTime();
            if (wait > 0) {
                sleepNanos(wait);
            }
            if (!running) {
                // a worker asleep when the load stopped would send one request past the window, and
                // 64 of them overstated the answered rate by a sixth
                return;
            }
            final double pick = random.nextDouble();
            final String kind;
            final String path;
            if (pick < 0.45 || recentCount.get() == 0) {
                kind = "unit";
                path = "/v1/units/u" + random.nextInt(units);
            } else if (pick < 0.9) {
                kind = "demand";
                path = "/v1/demands/" + recentDemands.get(random.nextInt((int) Math.min(RECENT, recentCount.get())));
            } else {
                kind = "units-page";
                path = "/v1/units?region=region-" + random.nextInt(regions) + "&limit=20";
            }
            final boolean measured = intended - startNanos >= WARM_UP_NANOS;
            try {
                final HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() != 200) {
                    failed(measured, path, "status " + answer.statusCode(), "status " + answer.statusCode());
                }
            } catch (final IOException e) {
                failed(measured, path, e.getClass().getSimpleName(), e.toString());
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (measured) {
                final long micros = (System.nanoTime() - intended) / 1_000;
                all.recordValue(Math.min(micros, 60_000_000L));
                byKind.get(kind).recordValue(Math.min(micros, 60_000_000L));
                sent.incrementAndGet();
            }
            intended += intervalNanos;
        }
    }

    /** Stops the load and returns what it measured. */
    public QueryStats stop(final double windowSeconds) throws InterruptedException {
        final double seconds = windowSeconds - WARM_UP_NANOS / 1e9;
        running = false;
        for (final Thread worker : workers) {
            worker.join(15_000);
        }
        final Histogram total = all.getIntervalHistogram();
        final Map<String, double[]> kinds = new TreeMap<>();
        byKind.forEach((kind, recorder) -> {
            final Histogram h = recorder.getIntervalHistogram();
            kinds.put(kind, new double[] {h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0});
        });
        final Map<String, Long> errorCauses = new TreeMap<>();
        causes.forEach((cause, count) -> errorCauses.put(cause, count.get()));
        return new QueryStats(rate, sent.get() / seconds, sent.get(), errors.get(), warmUpErrors.get(), errorCauses, total.getValueAtPercentile(50) / 1000.0,
                total.getValueAtPercentile(99) / 1000.0, total.getValueAtPercentile(99.9) / 1000.0, total.getMaxValue() / 1000.0,
                kinds);
    }

    @Override
    public void close() {
        running = false;
    }

    private static Recorder recorder() {
        return new Recorder(60_000_000L, 3);
    }

    private static void sleepNanos(final long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
