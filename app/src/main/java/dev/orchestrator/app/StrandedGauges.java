package dev.orchestrator.app;

import dev.orchestrator.topology.read.EngineReads;
import dev.orchestrator.topology.read.StrandedCapacity;
import dev.orchestrator.topology.task.LocalTasks;
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
 * {@code orchestrator_pool_stranded_ratio} and {@code orchestrator_pool_free_ratio} on /metrics, per pool and
 * dimension, over the units this instance's tasks own ({@link StrandedCapacity}), recomputed every few seconds off
 * the stream thread from the units' published reads; and what the optimizer's last rounds saw: demand turned away,
 * and how much of it had room in pieces (its estimate of what packing loses). Instances each report their own.
 */
final class StrandedGauges implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StrandedGauges.class);
    private static final long EVERY_SECONDS = 5;

    private final EngineReads reads;
    private final MultiGauge stranded;
    private final MultiGauge free;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        final Thread thread = new Thread(r, "stranded-gauges");
        thread.setDaemon(true);
        return thread;
    });

    StrandedGauges(final EngineReads reads, final LocalTasks tasks, final MeterRegistry registry) {
        this.reads = reads;
        io.micrometer.core.instrument.Gauge.builder("orchestrator_optimizer_turned_away", tasks,
                t -> t.all().stream().mapToInt(task -> task.optimizerView().turnedAway()).sum())
                .description("demand turned away for lack of room that the optimizer's last rounds remembered").register(registry);
        io.micrometer.core.instrument.Gauge.builder("orchestrator_optimizer_room_in_pieces", tasks,
                t -> t.all().stream().mapToInt(task -> task.optimizerView().roomInPieces()).sum())
                .description("of it, demand the free capacity of the units it may use would have held, added up: what "
                        + "packing lost, at most what moving allocations could win back").register(registry);
        io.micrometer.core.instrument.Gauge.builder("orchestrator_optimizer_estimated_gap_ratio", tasks,
                t -> dev.orchestrator.topology.read.QueueView.estimatedGap(t.all().stream().mapToLong(task -> task.optimizerView().roomInPieces()).sum(),
                        t.all().stream().mapToLong(task -> task.optimizerView().turnedAway()).sum(),
                        t.all().stream().mapToLong(task -> task.optimizerView().allocations()).sum()))
                .description("the optimizer's estimate of the gap to a repacked plan: demand turned away although the room "
                        + "added up would have held it, over the allocations and the demand turned away").register(registry);
        this.stranded = MultiGauge.builder("orchestrator_pool_stranded_ratio")
                .description("share of a pool's capacity on a dimension that is free but stranded (beside a dimension "
                        + "nearly exhausted on the same unit)").register(registry);
        this.free = MultiGauge.builder("orchestrator_pool_free_ratio")
                .description("share of a pool's capacity on a dimension that is free").register(registry);
        timer.scheduleWithFixedDelay(this::refresh, 0, EVERY_SECONDS, TimeUnit.SECONDS);
    }

    private void refresh() {
        try {
            final List<MultiGauge.Row<?>> strandedRows = new ArrayList<>();
            final List<MultiGauge.Row<?>> freeRows = new ArrayList<>();
            StrandedCapacity.of(reads.units()).forEach((pool, byDimension) -> byDimension.forEach((dimension, amounts) -> {
                final Tags tags = Tags.of("pool", pool, "dimension", dimension);
                strandedRows.add(MultiGauge.Row.of(tags, amounts.strandedShare()));
                freeRows.add(MultiGauge.Row.of(tags, amounts.capacity() <= 0 ? 0 : (double) amounts.free() / amounts.capacity()));
            }));
            stranded.register(strandedRows, true);
            free.register(freeRows, true);
        } catch (final RuntimeException e) {
            LOG.warn("stranded capacity gauges not refreshed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
