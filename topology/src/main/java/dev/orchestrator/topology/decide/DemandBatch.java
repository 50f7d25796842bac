package dev.orchestrator.topology.decide;

import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.PlaceRequest;
import dev.orchestrator.topology.model.Queued;
import dev.orchestrator.topology.routing.Journey;
import dev.orchestrator.topology.schedule.BatchOrder;
import dev.orchestrator.topology.schedule.SchedulingSettings;
import dev.orchestrator.topology.task.EngineTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joint placement: PLACE demands that arrive one after another on this task are held up to the batch window and
 * then placed together, highest priority and largest first ({@link BatchOrder}), each by the normal decision. A
 * held demand is in the task's store ({@link Queued}), never only in memory, so a commit before its decision loses
 * nothing and a restart places it; any input other than a demand to place or telemetry places the batch first, so
 * what refers to a held demand (its RELEASE) finds it decided.
 */
public final class DemandBatch {
    private static final Logger LOG = LoggerFactory.getLogger(DemandBatch.class);
    /** Counts demands placed as part of a batch of two or more. */
    public static final String BATCHED = "demands_batched_total";

    private final EngineTask task;
    private final Placements placements;
    private final List<Queued> held = new ArrayList<>();
    private long oldestAt;

    DemandBatch(final EngineTask task, final Placements placements) {
        this.task = task;
        this.placements = placements;
        // held before a restart: placed by the first flush (the next sweep at the latest)
        held.addAll(task.restoredQueue());
    }

    /** Whether demands are held at all: a batch window is set. */
    public boolean enabled() {
        return task.settings().scheduling().batchWindowMillis() > 0;
    }

    /** Whether demands are held now. */
    public boolean holding() {
        return !held.isEmpty();
    }

    /** Holds {@code request}; places the batch when its first demand has waited the window or it is full. */
    void hold(final PlaceRequest request) {
        final long now = task.now();
        final Queued queued = new Queued(request.demandId(), request.consumerId(), request, now);
        task.log().keep(queued);
        if (held.isEmpty()) {
            oldestAt = now;
        }
        held.add(queued);
        if (held.size() >= SchedulingSettings.BATCH_LIMIT || now - oldestAt >= task.settings().scheduling().batchWindowMillis()) {
            flush();
        }
    }

    /** Places what is held, in {@link BatchOrder}. */
    public void flush() {
        if (held.isEmpty()) {
            return;
        }
        final List<Queued> batch = new ArrayList<>(held);
        held.clear();
        final List<BatchOrder.Entry<Queued>> entries = new ArrayList<>(batch.size());
        for (final Queued queued : batch) {
            entries.add(new BatchOrder.Entry<>(queued, queued.request().priorityUnder(task.terms(queued.consumerId())),
                    queued.request().capacity()));
        }
        final List<Queued> order = batch.size() == 1 ? batch : BatchOrder.order(entries, sliceCapacity());
        for (final Queued queued : order) {
            placements.decide(Allocation.pending(queued.request(), task.self()), Journey.arrivedOn(task.self()));
            if (task.log().held(queued.demandId())) {
                // every decision writes the demand's record; one that did not would be decided again after a restart
                LOG.warn("demand {} left held after its decision: dropped from the store", queued.demandId());
                task.log().forget(queued.demandId());
            }
        }
        if (batch.size() > 1) {
            task.out().counters().add(BATCHED, Map.of(), batch.size());
        }
    }

    /** What this task's units hold in all: the scale a demand's size is judged on. */
    private Capacity sliceCapacity() {
        Capacity total = Capacity.ZERO;
        for (final var unit : task.slice().units()) {
            total = total.plus(unit.capacity());
        }
        return total;
    }
}
