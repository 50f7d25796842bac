package dev.orchestrator.api.query;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestrator.topology.read.DemandRead;
import dev.orchestrator.topology.read.EngineReads;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Lists of allocations (a consumer's, all of them by status, the routing table), gathered from every
 * instance: a consumer's demands are decided on whichever task they arrive at, so every instance may
 * hold some. Each instance returns one more than a page when it has more; the merge keeps id order.
 */
final class AllocationQueries {
    private final EngineReads reads;
    private final StateAccess state;
    private final Lookup lookup;
    private final JavaType pageType;

    AllocationQueries(final EngineReads reads, final StateAccess state, final Lookup lookup, final ObjectMapper json) {
        this.reads = reads;
        this.state = state;
        this.lookup = lookup;
        this.pageType = json.getTypeFactory().constructCollectionType(List.class, DemandRead.class);
    }

    /** A page of every instance's demands of {@code status} and {@code consumer} (either may be null). */
    Views.Page<Views.Demand> page(final Paging paging, final String status, final String consumer) {
        if (status != null && !DemandRead.STATUSES.contains(status)) {
            throw new BadParameter("status", "unknown status '" + status + "'; known: " + DemandRead.STATUSES);
        }
        final TreeMap<String, DemandRead> merged = new TreeMap<>();
        for (final String instance : state.instances()) {
            final List<DemandRead> part = instance.equals(state.self()) ? local(paging, status, consumer)
                    : lookup.<List<DemandRead>>remote(instance, "/internal/v1/allocations?limit=" + paging.limit()
                            + (status == null ? "" : "&status=" + status)
                            + (consumer == null ? "" : "&consumer=" + Peers.encode(consumer))
                            + (paging.after() == null ? "" : "&cursor=" + Paging.cursor(paging.after())), pageType)
                    .orElse(List.of());
            part.forEach(d -> merged.put(d.demandId(), d));
        }
        final List<DemandRead> all = new ArrayList<>(merged.values());
        final List<DemandRead> items = all.stream().limit(paging.limit()).toList();
        final String next = all.size() > paging.limit() ? Paging.cursor(items.get(items.size() - 1).demandId()) : null;
        return new Views.Page<>(items.stream().map(d -> Views.Demand.of(d, false)).toList(), next, false);
    }

    /** The first {@code limit + 1} demands held here after the cursor. */
    List<DemandRead> local(final Paging paging, final String status, final String consumer) {
        return reads.demands(paging.after(), paging.limit(), status, consumer);
    }
}
