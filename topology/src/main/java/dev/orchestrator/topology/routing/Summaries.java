package dev.orchestrator.topology.routing;

import dev.orchestrator.topology.task.EngineTask;
import java.util.ArrayList;
import java.util.List;

/**
 * What this task's pools can take, told to every other task a few times a second, and what they
 * told it: the input of the choice where a demand that does not fit here should go.
 */
public final class Summaries {
    private final EngineTask task;
    private List<PoolSummary> lastSent = List.of();

    public Summaries(final EngineTask task) {
        this.task = task;
    }

    /** Sends this task's pools to the others when they changed since the last time, and at least now and then. */
    public void broadcast(final boolean evenIfUnchanged) {
        if (task.partitions() < 2) {
            return;
        }
        final List<PoolSummary> pools = new ArrayList<>();
        task.slice().index().forEachPool((pool, units) -> pools.add(PoolSummary.of(pool.kind(), pool.region(), units)));
        // its own summary too: what a demand would cost here is estimated the same way as elsewhere
        task.remote().update(task.self(), pools);
        if (!evenIfUnchanged && pools.equals(lastSent)) {
            return;
        }
        lastSent = pools;
        task.router().everyOther("summary-" + task.self(), new RouteMessage.SliceSummary(task.self(), pools));
    }

    public void onSummary(final RouteMessage.SliceSummary summary) {
        task.remote().update(summary.from(), summary.pools());
    }
}
