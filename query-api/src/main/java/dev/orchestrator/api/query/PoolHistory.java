package dev.orchestrator.api.query;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Utilization of every pool sampled at a fixed interval, the last {@code capacity} samples kept, so
 * a dashboard opened now shows the recent past instead of a single point.
 */
final class PoolHistory implements AutoCloseable {
    /** One sample: when (epoch ms) and each pool's utilization, by "kind region". */
    record Sample(long at, Map<String, Double> utilization) {
    }

    /** What {@code /v1/pools/history} answers: sample times and, per pool, its values (null before it existed). */
    record Series(long intervalMillis, List<Long> times, Map<String, List<Double>> pools) {
    }

    private final Deque<Sample> samples = new ArrayDeque<>();
    private final int capacity;
    private final long intervalMillis;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        final Thread thread = new Thread(r, "pool-history");
        thread.setDaemon(true);
        return thread;
    });

    PoolHistory(final long intervalMillis, final int capacity) {
        this.intervalMillis = intervalMillis;
        this.capacity = capacity;
    }

    /** Starts sampling {@code pools} every interval; a failed read (the engine is not running yet) is skipped. */
    PoolHistory start(final Supplier<List<Views.Pool>> pools) {
        sampler.scheduleAtFixedRate(() -> {
            try {
                record(System.currentTimeMillis(), pools.get());
            } catch (final RuntimeException e) {
                // not readable right now; the next tick tries again
            }
        }, 0, intervalMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    synchronized void record(final long at, final List<Views.Pool> pools) {
        final Map<String, Double> utilization = new LinkedHashMap<>();
        pools.forEach(p -> utilization.put(p.kind() + " " + p.region(), p.utilization()));
        samples.addLast(new Sample(at, utilization));
        while (samples.size() > capacity) {
            samples.removeFirst();
        }
    }

    synchronized Series series() {
        final List<Long> times = new ArrayList<>();
        final Map<String, List<Double>> pools = new LinkedHashMap<>();
        int index = 0;
        for (final Sample sample : samples) {
            times.add(sample.at());
            for (final Map.Entry<String, Double> pool : sample.utilization().entrySet()) {
                final int before = index;
                pools.computeIfAbsent(pool.getKey(), k -> new ArrayList<>(java.util.Collections.nCopies(before, null)));
            }
            for (final Map.Entry<String, List<Double>> pool : pools.entrySet()) {
                pool.getValue().add(sample.utilization().get(pool.getKey()));
            }
            index++;
        }
        return new Series(intervalMillis, times, pools);
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
