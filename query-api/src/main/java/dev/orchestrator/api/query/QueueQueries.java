package dev.orchestrator.api.query;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestrator.topology.read.QueueView;
import dev.orchestrator.topology.read.EngineReads;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /v1/queues}: the demands waiting for capacity, gathered from every instance's tasks:
 * how many wait per pool (kind and regions asked) and since when, and per priority how many wait,
 * how many were placed after waiting (mean and longest wait) and how many waits expired; the gangs; and the
 * background optimizer's estimate of what packing lost.
 */
public final class QueueQueries {
    private final EngineReads reads;
    private final StateAccess state;
    private final Lookup lookup;
    private final JavaType listType;

    QueueQueries(final EngineReads reads, final StateAccess state, final Lookup lookup, final ObjectMapper json) {
        this.reads = reads;
        this.state = state;
        this.lookup = lookup;
        this.listType = json.getTypeFactory().constructCollectionType(List.class, QueueView.class);
    }

    /** This instance's tasks' queues. */
    List<QueueView> local() {
        return reads.queues();
    }

    Views.Queues all(final long now) {
        final List<QueueView> views = new ArrayList<>();
        for (final String instance : state.instances()) {
            views.addAll(instance.equals(state.self()) ? local()
                    : lookup.<List<QueueView>>remote(instance, "/internal/v1/queues", listType).orElse(List.of()));
        }
        return merge(views, now);
    }

    /** The queues of {@code views} added up, waits measured at {@code now}. */
    public static Views.Queues merge(final List<QueueView> views, final long now) {
        final Map<String, long[]> pools = new TreeMap<>();
        final Map<Integer, long[]> priorities = new TreeMap<>(java.util.Comparator.reverseOrder());
        int waiting = 0;
        final long[] gangs = new long[5];
        // turned away, room in pieces, moves asked, allocations, tasks whose optimizer ran
        final long[] optimizer = new long[5];
        for (final QueueView view : views) {
            optimizer[0] += view.optimizer().turnedAway();
            optimizer[1] += view.optimizer().roomInPieces();
            optimizer[2] += view.optimizer().movesAsked();
            optimizer[3] += view.optimizer().allocations();
            optimizer[4] += view.optimizer().at() > 0 ? 1 : 0;
            gangs[0] += view.gangs().gathering();
            gangs[1] += view.gangs().members();
            gangs[2] += view.gangs().placed();
            gangs[3] += view.gangs().timedOut();
            gangs[4] += view.gangs().handedOver();
            for (final QueueView.Pool pool : view.pools()) {
                final long[] p = pools.computeIfAbsent(pool.pool(), k -> new long[] {0, Long.MAX_VALUE});
                p[0] += pool.waiting();
                p[1] = Math.min(p[1], pool.oldestSince());
                waiting += pool.waiting();
            }
            view.byPriority().forEach((priority, count) -> priorities.computeIfAbsent(priority, k -> new long[5])[0] += count);
            view.waited().forEach((priority, w) -> {
                final long[] p = priorities.computeIfAbsent(priority, k -> new long[5]);
                p[1] += w.placed();
                p[2] += w.waitedMillis();
                p[3] = Math.max(p[3], w.longestMillis());
                p[4] += w.expired();
            });
        }
        final List<Views.QueuePool> poolItems = new ArrayList<>();
        pools.forEach((pool, p) -> poolItems.add(new Views.QueuePool(pool, (int) p[0], Math.max(0, now - p[1]) / 1000.0)));
        final List<Views.QueuePriority> priorityItems = new ArrayList<>();
        priorities.forEach((priority, p) -> priorityItems.add(new Views.QueuePriority(priority, (int) p[0], p[1],
                p[1] == 0 ? 0 : p[2] / 1000.0 / p[1], p[3] / 1000.0, p[4])));
        return new Views.Queues(waiting, poolItems, priorityItems, new Views.QueueGangs((int) gangs[0], (int) gangs[1],
                gangs[2], gangs[3], gangs[4]), new Views.QueueOptimizer(optimizer[4] > 0, optimizer[0], optimizer[1],
                optimizer[2], optimizer[3], QueueView.estimatedGap(optimizer[1], optimizer[0], optimizer[3])));
    }
}
