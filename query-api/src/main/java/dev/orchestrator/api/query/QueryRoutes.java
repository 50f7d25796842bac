package dev.orchestrator.api.query;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestrator.topology.StoreNames;
import dev.orchestrator.topology.decision.AllocationRecord;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.ledger.UnitHeader;
import dev.orchestrator.topology.ledger.UnitRecord;
import dev.orchestrator.topology.model.PolicyTerms;
import dev.orchestrator.topology.model.Reservation;
import dev.orchestrator.topology.model.SlaTerms;
import dev.orchestrator.topology.model.UnitView;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * The read side of the HTTP API over the engine's live state stores. A key owned by another
 * instance is read there (one hop); lists of replicated state (units, pools, providers) come from
 * this instance's replica; lists of partitioned state (allocations) are gathered from every
 * instance. {@code ?stale=true} accepts a standby's copy while the owner is away, marked
 * {@code "stale": true}.
 */
public final class QueryRoutes {
    private final StateAccess state;
    private final Lookup lookup;
    private final JavaType allocationType;
    private final JavaType unitType;
    private final JavaType consumerType;
    private final JavaType pageType;
    private final JavaType slaType;
    private final JavaType policyType;
    private final UnitViewSnapshot snapshot = new UnitViewSnapshot(this::allViews, java.util.concurrent.TimeUnit.SECONDS.toNanos(1));
    /** Half an hour of pool utilization, a sample every 5 s, for the dashboard's chart. */
    private final PoolHistory history = new PoolHistory(5_000, 360);

    public QueryRoutes(final StateAccess state, final Peers peers, final ObjectMapper json) {
        this.state = state;
        this.lookup = new Lookup(state, peers, json);
        this.allocationType = json.constructType(AllocationRecord.class);
        this.unitType = json.constructType(UnitRecord.class);
        this.consumerType = json.constructType(ConsumerOf.class);
        this.pageType = json.getTypeFactory().constructCollectionType(List.class, AllocationRecord.class);
        this.slaType = json.constructType(Views.SlaCompliance.class);
        this.policyType = json.constructType(PolicyTerms.class);
        history.start(this::poolList);
    }

    public void register(final RoutesConfig routes) {
        routes.get("/v1/demands/{id}", ctx -> ctx.json(demand(ctx, r -> Views.Demand.of(r.value(), r.stale()))));
        routes.get("/v1/demands/{id}/explain", ctx -> ctx.json(demand(ctx, r -> Views.Explanation.of(r.value(), r.stale()))));
        routes.get("/v1/consumers/{id}/allocations", this::consumerAllocations);
        routes.get("/v1/allocations", this::allocations);
        routes.get("/v1/routes", this::routes);
        routes.get("/v1/units/{id}", this::unit);
        routes.get("/v1/units", this::units);
        routes.get("/v1/pools", this::pools);
        routes.get("/v1/pools/history", ctx -> ctx.json(history.series()));
        routes.get("/v1/providers", ctx -> ctx.json(Map.of("providers", providers().values())));
        routes.get("/v1/providers/{id}", this::provider);
        routes.get("/v1/slas/{id}", this::sla);
        routes.get("/v1/policies/{consumerId}", this::policy);
        // what one instance answers for another: only from its own stores, never forwarded again
        routes.get("/internal/v1/demand-consumer/{id}", ctx -> answer(ctx, demandConsumer(ctx.pathParam("id"), stale(ctx))));
        routes.get("/internal/v1/allocations/{key}", ctx -> answer(ctx, localAllocation(ctx.pathParam("key"), stale(ctx))));
        routes.get("/internal/v1/units/{id}", ctx -> answer(ctx, localUnit(ctx.pathParam("id"), stale(ctx))));
        routes.get("/internal/v1/policies/{consumerId}", ctx -> answer(ctx,
                state.<PolicyTerms>get(StoreNames.POLICIES, ctx.pathParam("consumerId"), stale(ctx))));
        routes.get("/internal/v1/providers/{id}/sla", ctx -> ctx.json(localSla(ctx.pathParam("id"))));
        routes.get("/internal/v1/allocations", ctx -> ctx.json(localAllocations(Paging.of(ctx), ctx.queryParam("status"),
                ctx.queryParam("consumer"), stale(ctx))));
    }

    private <T> T demand(final Context ctx, final java.util.function.Function<Located<AllocationRecord>, T> view) {
        final String id = ctx.pathParam("id");
        final boolean stale = stale(ctx);
        final boolean forwarded = forwarded(ctx);
        final Located<ConsumerOf> consumer = lookup.<ConsumerOf>find(StoreNames.DEMAND_IDS, id, stale, forwarded, consumerType,
                "/internal/v1/demand-consumer/" + Peers.encode(id), s -> demandConsumer(id, s))
                .orElseThrow(() -> new NotFound("demand " + id + " is not known (yet)"));
        final String key = StoreNames.allocationKey(consumer.value().consumerId(), id);
        final Located<AllocationRecord> record = lookup.<AllocationRecord>find(StoreNames.ALLOCATIONS, consumer.value().consumerId(), stale,
                        forwarded, allocationType, "/internal/v1/allocations/" + Peers.encode(key), s -> localAllocation(key, s))
                .orElseThrow(() -> new NotFound("demand " + id + " has not reached its decision step yet"));
        return view.apply(new Located<>(record.value(), record.stale() || consumer.stale()));
    }

    private void consumerAllocations(final Context ctx) {
        final String consumer = ctx.pathParam("id");
        final Paging paging = Paging.of(ctx);
        final boolean stale = stale(ctx);
        final String path = "/internal/v1/allocations?consumer=" + Peers.encode(consumer) + "&limit=" + paging.limit()
                + (paging.after() == null ? "" : "&cursor=" + Paging.cursor(paging.after()));
        final Located<List<AllocationRecord>> found = lookup.<List<AllocationRecord>>find(StoreNames.ALLOCATIONS, consumer,
                stale, forwarded(ctx), pageType, path, s -> Optional.of(localAllocations(paging, null, consumer, s)))
                .orElse(new Located<>(List.of(), false));
        ctx.json(page(found.value(), paging, found.stale()));
    }

    /** Every instance's allocations, merged in key order. */
    private void allocations(final Context ctx) {
        final Paging paging = Paging.of(ctx);
        final String status = ctx.queryParam("status");
        if (status != null && java.util.Arrays.stream(AllocationRecord.Status.values()).noneMatch(s -> s.name().equals(status))) {
            throw new BadParameter("status", "unknown status '" + status + "'; known: "
                    + java.util.Arrays.toString(AllocationRecord.Status.values()));
        }
        final boolean stale = stale(ctx);
        ctx.json(page(gather(paging, status, stale), paging, stale));
    }

    /** The routing table: every active allocation and the endpoint its executor reported, from every instance. */
    private void routes(final Context ctx) {
        final Paging paging = Paging.of(ctx);
        final boolean stale = stale(ctx);
        final Views.Page<Views.Demand> page = page(gather(paging, AllocationRecord.Status.ACTIVE.name(), stale), paging, stale);
        ctx.json(new Views.Page<>(page.items().stream().map(Views.Route::of).toList(), page.next(), stale));
    }

    private List<AllocationRecord> gather(final Paging paging, final String status, final boolean stale) {
        final TreeMap<String, AllocationRecord> merged = new TreeMap<>();
        for (final String instance : state.instances()) {
            final List<AllocationRecord> part = instance.equals(state.self()) ? localAllocations(paging, status, null, stale)
                    : lookup.<List<AllocationRecord>>remote(instance, "/internal/v1/allocations?limit=" + paging.limit()
                            + (status == null ? "" : "&status=" + status)
                            + (paging.after() == null ? "" : "&cursor=" + Paging.cursor(paging.after()))
                            + (stale ? "&stale=true" : ""), pageType).orElse(List.of());
            part.forEach(r -> merged.put(StoreNames.allocationKey(r.consumerId(), r.demandId()), r));
        }
        return new ArrayList<>(merged.values());
    }

    private Views.Page<Views.Demand> page(final List<AllocationRecord> records, final Paging paging, final boolean stale) {
        final List<AllocationRecord> items = records.stream().limit(paging.limit()).toList();
        // every source returns one more than a page when it has more, so a longer list means another page
        final String next = records.size() > paging.limit()
                ? Paging.cursor(StoreNames.allocationKey(items.get(items.size() - 1).consumerId(), items.get(items.size() - 1).demandId()))
                : null;
        return new Views.Page<>(items.stream().map(r -> Views.Demand.of(r, stale)).toList(), next, stale);
    }

    /** An SLA's terms, from this instance's replica of every SLA. */
    private void sla(final Context ctx) {
        final String id = ctx.pathParam("id");
        final SlaTerms terms = state.<SlaTerms, Optional<SlaTerms>>read(StoreNames.SLAS, false, s -> Optional.ofNullable(s.get(id)))
                .orElseThrow(() -> new NotFound("SLA " + id + " is not known"));
        ctx.json(terms);
    }

    /** A consumer's policy as the engine applies it, read where the consumer's decisions are made. */
    private void policy(final Context ctx) {
        final String id = ctx.pathParam("consumerId");
        final Located<PolicyTerms> policy = lookup.<PolicyTerms>find(StoreNames.POLICIES, id, stale(ctx), forwarded(ctx),
                        policyType, "/internal/v1/policies/" + Peers.encode(id), s -> state.get(StoreNames.POLICIES, id, s))
                .orElseThrow(() -> new NotFound("consumer " + id + " has no policy: no limits apply"));
        ctx.json(Views.Policy.of(id, policy.value(), policy.stale()));
    }

    private void unit(final Context ctx) {
        final String id = ctx.pathParam("id");
        final Located<UnitRecord> unit = lookup.<UnitRecord>find(StoreNames.UNITS, id, stale(ctx), forwarded(ctx), unitType,
                        "/internal/v1/units/" + Peers.encode(id), s -> localUnit(id, s))
                .orElseThrow(() -> new NotFound("unit " + id + " is not registered"));
        ctx.json(Views.Unit.of(unit.value(), unit.stale()));
    }

    /** Units from this instance's replica of every unit's view (at most a second old), filtered, in id order. */
    private void units(final Context ctx) {
        final Paging paging = Paging.of(ctx);
        final String region = ctx.queryParam("region");
        final String provider = ctx.queryParam("provider");
        final String unitState = ctx.queryParam("state");
        final String kind = ctx.queryParam("kind");
        final List<UnitView> source = snapshot.current().narrowest(region, provider);
        final List<Views.UnitSummary> items = new ArrayList<>();
        String last = null;
        boolean more = false;
        for (int i = UnitViewSnapshot.Views.after(source, paging.after()); i < source.size(); i++) {
            final UnitView view = source.get(i);
            if (provider != null && !provider.equals(view.providerId())
                    || unitState != null && !unitState.equalsIgnoreCase(view.state())
                    || kind != null && !kind.equalsIgnoreCase(view.kind().name())) {
                continue;
            }
            if (items.size() == paging.limit()) {
                more = true;
                break;
            }
            items.add(Views.UnitSummary.of(view));
            last = view.unitId();
        }
        ctx.json(new Views.Page<>(items, more ? Paging.cursor(last) : null, false));
    }

    private void pools(final Context ctx) {
        ctx.json(Map.of("pools", poolList()));
    }

    /** Every pool's units and utilization, from this instance's replica of the unit views. */
    private List<Views.Pool> poolList() {
        final Map<String, long[]> pools = new TreeMap<>();
        forEachView(view -> {
            final long[] pool = pools.computeIfAbsent(view.kind() + "|" + view.region(), p -> new long[4]);
            pool[0]++;
            pool[1] += view.allocatable() ? 1 : 0;
            // saturating: a pool of huge units reports Long.MAX_VALUE, never a negative capacity
            pool[2] = Capacity.saturatedSum(pool[2], view.kind().primary(view.capacity()));
            pool[3] = Capacity.saturatedSum(pool[3], view.kind().primary(view.free()));
        });
        final List<Views.Pool> items = new ArrayList<>();
        pools.forEach((key, p) -> items.add(new Views.Pool(key.substring(0, key.indexOf('|')), key.substring(key.indexOf('|') + 1),
                (int) p[0], (int) p[1], p[2], p[3], p[2] == 0 ? 0 : Math.min(1.0, Math.max(0.0, 1.0 - (double) p[3] / p[2])))));
        return items;
    }

    /** One provider, with the SLA compliance of its allocations gathered from every instance. */
    private void provider(final Context ctx) {
        final String id = ctx.pathParam("id");
        final Views.Provider provider = providers().get(id);
        if (provider == null) {
            throw new NotFound("provider " + id + " has no registered units");
        }
        int withSla = 0;
        int meeting = 0;
        for (final String instance : state.instances()) {
            final Views.SlaCompliance part = instance.equals(state.self()) ? localSla(id)
                    : lookup.<Views.SlaCompliance>remote(instance, "/internal/v1/providers/" + Peers.encode(id) + "/sla", slaType)
                            .orElse(Views.SlaCompliance.of(0, 0));
            withSla += part.allocationsWithSla();
            meeting += part.meeting();
        }
        ctx.json(provider.withSla(Views.SlaCompliance.of(withSla, meeting)));
    }

    /** SLA compliance over the provider's units whose ledger partition is held here. */
    private Views.SlaCompliance localSla(final String providerId) {
        int withSla = 0;
        int meeting = 0;
        for (final UnitView view : snapshot.current().narrowest(null, providerId)) {
            final Optional<UnitHeader> header = state.get(StoreNames.UNITS, view.unitId(), false);
            if (header.isEmpty()) {
                continue;
            }
            final var health = header.get().health();
            final String prefix = StoreNames.reservationKey(view.unitId(), "");
            final int[] counts = state.<Reservation, int[]>read(StoreNames.RESERVATIONS, view.unitId(), false, s -> {
                final int[] c = new int[2];
                try (KeyValueIterator<String, Reservation> it = s.prefixScan(prefix, Serdes.String().serializer())) {
                    it.forEachRemaining(kv -> {
                        final Reservation r = kv.value;
                        if (r.confirmed() && r.hasSla()) {
                            c[0]++;
                            c[1] += health.meets(r.slaMaxLatencyMillis(), r.slaMinAvailability()) ? 1 : 0;
                        }
                    });
                }
                return c;
            });
            withSla += counts[0];
            meeting += counts[1];
        }
        return Views.SlaCompliance.of(withSla, meeting);
    }

    /** Every provider with its fleet's health, in id order, from this instance's replica of the unit views. */
    private Map<String, Views.Provider> providers() {
        final Map<String, ProviderTally> tallies = new TreeMap<>();
        forEachView(view -> tallies.computeIfAbsent(view.providerId(), p -> new ProviderTally()).add(view));
        final Map<String, Views.Provider> providers = new java.util.LinkedHashMap<>();
        tallies.forEach((id, t) -> providers.put(id, new Views.Provider(id, t.units, t.allocatable, t.byState,
                t.latency / t.units, t.availability / t.units, null)));
        return providers;
    }

    /** Running sums of one provider's units. */
    private static final class ProviderTally {
        private final Map<String, Integer> byState = new TreeMap<>();
        private int units;
        private int allocatable;
        private double latency;
        private double availability;

        void add(final UnitView view) {
            units++;
            allocatable += view.allocatable() ? 1 : 0;
            latency += view.latencyMillis();
            availability += view.availability();
            byState.merge(view.state(), 1, Integer::sum);
        }
    }

    private void forEachView(final java.util.function.Consumer<UnitView> action) {
        snapshot.current().all().forEach(action);
    }

    private List<UnitView> allViews() {
        return state.<UnitView, List<UnitView>>read(StoreNames.UNIT_VIEWS, false, s -> {
            final List<UnitView> all = new ArrayList<>();
            try (KeyValueIterator<String, UnitView> it = s.all()) {
                it.forEachRemaining(kv -> all.add(kv.value));
            }
            return all;
        });
    }

    private Optional<ConsumerOf> demandConsumer(final String demandId, final boolean stale) {
        return state.<String>get(StoreNames.DEMAND_IDS, demandId, stale).map(ConsumerOf::new);
    }

    /** Whose demand it is: what one instance tells another about a demand id it holds. */
    record ConsumerOf(String consumerId) {
    }

    private Optional<AllocationRecord> localAllocation(final String key, final boolean stale) {
        // the decider's records are partitioned by consumer, the part of the key before '|'
        final int bar = key.indexOf('|');
        return state.get(StoreNames.ALLOCATIONS, key, bar < 0 ? key : key.substring(0, bar), stale);
    }

    private Optional<UnitRecord> localUnit(final String unitId, final boolean stale) {
        final Optional<UnitHeader> header = state.get(StoreNames.UNITS, unitId, stale);
        if (header.isEmpty()) {
            return Optional.empty();
        }
        final Map<String, Reservation> reservations = new HashMap<>();
        final String prefix = StoreNames.reservationKey(unitId, "");
        state.<Reservation, Void>read(StoreNames.RESERVATIONS, unitId, stale, s -> {
            try (KeyValueIterator<String, Reservation> it = s.prefixScan(prefix, Serdes.String().serializer())) {
                it.forEachRemaining(kv -> reservations.put(kv.value.allocationId(), kv.value));
            }
            return null;
        });
        final UnitHeader h = header.get();
        return Optional.of(new UnitRecord(h.spec(), h.operatorState(), reservations, h.health(), h.auditSequence()));
    }

    /**
     * The first {@code limit + 1} allocations after the cursor held here, in key order. The local
     * stores are read whole: a page costs a scan of this instance's allocations (fine for thousands,
     * a partition-ordered merge is the next step for millions).
     */
    private List<AllocationRecord> localAllocations(final Paging paging, final String status, final String consumer,
                                                    final boolean stale) {
        final TreeMap<String, AllocationRecord> firsts = new TreeMap<>();
        state.<AllocationRecord, Void>read(StoreNames.ALLOCATIONS, stale, s -> {
            try (KeyValueIterator<String, AllocationRecord> it = consumer == null ? s.all()
                    : s.prefixScan(StoreNames.allocationKey(consumer, ""), Serdes.String().serializer())) {
                it.forEachRemaining(kv -> {
                    if (paging.admits(kv.key) && (status == null || kv.value.status().name().equals(status))) {
                        firsts.put(kv.key, kv.value);
                        if (firsts.size() > paging.limit() + 1) {
                            firsts.pollLastEntry();
                        }
                    }
                });
            }
            return null;
        });
        return new ArrayList<>(firsts.values());
    }

    private static <T> void answer(final Context ctx, final Optional<T> value) {
        if (value.isEmpty()) {
            throw new NotFound("not held here");
        }
        ctx.json(value.get());
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
