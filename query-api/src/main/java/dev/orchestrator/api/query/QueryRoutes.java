package dev.orchestrator.api.query;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestrator.topology.read.EngineReads;
import dev.orchestrator.topology.read.PolicyRead;
import dev.orchestrator.topology.read.SlaRead;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;

/**
 * The read side of the HTTP API over the engine's live state, through its read contract
 * ({@link EngineReads}). A key is read on the instance that runs its partition's task (one hop);
 * lists are gathered from every instance. {@code ?stale=true} accepts a standby's copy while the
 * owner is away, marked {@code "stale": true}.
 */
public final class QueryRoutes {
    private final EngineReads reads;
    private final Lookup lookup;
    private final DemandQueries demands;
    private final UnitQueries units;
    private final AllocationQueries allocations;
    private final QueueQueries queues;
    private final JavaType policyType;
    private final JavaType slaType;
    /** Half an hour of pool utilization, a sample every 5 s, for the dashboard's chart. */
    private final PoolHistory history = new PoolHistory(5_000, 360);

    public QueryRoutes(final EngineReads reads, final StateAccess state, final Peers peers, final ObjectMapper json) {
        this.reads = reads;
        this.lookup = new Lookup(state, peers, json);
        this.demands = new DemandQueries(reads, state, lookup, json);
        this.units = new UnitQueries(reads, state, lookup, json);
        this.allocations = new AllocationQueries(reads, state, lookup, json);
        this.queues = new QueueQueries(reads, state, lookup, json);
        this.policyType = json.constructType(PolicyRead.class);
        this.slaType = json.constructType(SlaRead.class);
        history.start(units::pools);
    }

    public void register(final RoutesConfig routes) {
        routes.get("/v1/demands/{id}", ctx -> {
            final Located<dev.orchestrator.topology.read.DemandRead> d = demands.find(ctx.pathParam("id"), stale(ctx), false);
            ctx.json(Views.Demand.of(d.value(), d.stale()));
        });
        routes.get("/v1/demands/{id}/explain", ctx -> {
            final Located<dev.orchestrator.topology.read.DemandRead> d = demands.find(ctx.pathParam("id"), stale(ctx), false);
            ctx.json(Views.Explanation.of(d.value(), d.stale()));
        });
        routes.get("/v1/consumers/{id}/allocations", ctx -> ctx.json(allocations.page(Paging.of(ctx), null, ctx.pathParam("id"))));
        routes.get("/v1/allocations", ctx -> ctx.json(allocations.page(Paging.of(ctx), ctx.queryParam("status"), null)));
        routes.get("/v1/routes", this::routes);
        routes.get("/v1/units/{id}", ctx -> ctx.json(units.unit(ctx.pathParam("id"), stale(ctx), forwarded(ctx))));
        routes.get("/v1/units", ctx -> ctx.json(units.units(ctx)));
        routes.get("/v1/pools", ctx -> ctx.json(Map.of("pools", units.pools())));
        routes.get("/v1/queues", ctx -> ctx.json(queues.all(System.currentTimeMillis())));
        routes.get("/v1/pools/history", ctx -> ctx.json(history.series()));
        routes.get("/v1/providers", ctx -> ctx.json(Map.of("providers", units.providers().values())));
        routes.get("/v1/providers/{id}", ctx -> ctx.json(units.provider(ctx.pathParam("id"))));
        routes.get("/v1/slas/{id}", ctx -> ctx.json(copy(ctx.pathParam("id"), slaType, "/internal/v1/slas/",
                reads::sla).orElseThrow(() -> new NotFound("SLA " + ctx.pathParam("id") + " is not known"))));
        routes.get("/v1/policies/{consumerId}", ctx -> {
            final String id = ctx.pathParam("consumerId");
            ctx.json(Views.Policy.of(copy(id, policyType, "/internal/v1/policies/", reads::policy)
                    .orElseThrow(() -> new NotFound("consumer " + id + " has no policy: no limits apply")), false));
        });
        // what one instance answers for another: only from what is here, never forwarded again
        routes.get("/internal/v1/demands/{id}", ctx -> ctx.json(demands.local(ctx.pathParam("id"), partition(ctx), stale(ctx))));
        routes.get("/internal/v1/units/{id}", ctx -> answer(ctx, units.localUnit(ctx.pathParam("id"),
                reads.partitionOf(ctx.pathParam("id")), stale(ctx))));
        routes.get("/internal/v1/units", ctx -> ctx.json(reads.units()));
        routes.get("/internal/v1/queues", ctx -> ctx.json(queues.local()));
        routes.get("/internal/v1/policies/{consumerId}", ctx -> answer(ctx, reads.policy(ctx.pathParam("consumerId"))));
        routes.get("/internal/v1/slas/{id}", ctx -> answer(ctx, reads.sla(ctx.pathParam("id"))));
        routes.get("/internal/v1/providers/{id}/sla", ctx -> ctx.json(units.localSla(ctx.pathParam("id"))));
        routes.get("/internal/v1/allocations", ctx -> ctx.json(allocations.local(Paging.of(ctx), ctx.queryParam("status"),
                ctx.queryParam("consumer"))));
    }

    /** A unit wherever its task runs, for writes that must know it; empty when it is not registered. */
    public Optional<dev.orchestrator.topology.read.UnitRead> unitAnywhere(final String unitId) {
        try {
            return Optional.of(units.detail(unitId, false, false).value().unit());
        } catch (final NotFound e) {
            return Optional.empty();
        }
    }

    /** The routing table: every active allocation and the endpoint its executor reported, from every instance. */
    private void routes(final Context ctx) {
        final Views.Page<Views.Demand> page = allocations.page(Paging.of(ctx), "ACTIVE", null);
        ctx.json(new Views.Page<>(page.items().stream().map(Views.Route::of).toList(), page.next(), page.stale()));
    }

    /**
     * A policy or SLA: every task holds a copy, so any instance running a task answers; one that runs
     * none asks the instance that runs the key's partition.
     */
    private <T> Optional<T> copy(final String id, final JavaType type, final String internalPath,
                                 final java.util.function.Function<String, Optional<T>> local) {
        final Optional<T> here = local.apply(id);
        if (here.isPresent() || reads.holdsAny()) {
            return here;
        }
        return lookup.<T>find(reads.partitionOf(id), false, false, type, internalPath + Peers.encode(id), s -> local.apply(id))
                .map(Located::value);
    }

    private static <T> void answer(final Context ctx, final Optional<T> value) {
        if (value.isEmpty()) {
            throw new NotFound("not held here");
        }
        ctx.json(value.get());
    }

    private static int partition(final Context ctx) {
        try {
            return Integer.parseInt(java.util.Objects.requireNonNull(ctx.queryParam("partition")));
        } catch (final NumberFormatException | NullPointerException e) {
            throw new BadParameter("partition", "partition must be a whole number");
        }
    }

    private static boolean stale(final Context ctx) {
        final String stale = ctx.queryParam("stale");
        if (stale == null || stale.equals("false")) {
            return false;
        }
        if (stale.equals("true")) {
            return true;
        }
        throw new BadParameter("stale", "stale must be true or false");
    }

    private static boolean forwarded(final Context ctx) {
        return ctx.header(Peers.HOP_HEADER) != null;
    }
}
