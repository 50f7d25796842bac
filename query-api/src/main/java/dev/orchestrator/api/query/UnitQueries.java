package dev.orchestrator.api.query;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestrator.topology.StoreNames;
import dev.orchestrator.topology.read.EngineReads;
import dev.orchestrator.topology.read.HeldRead;
import dev.orchestrator.topology.read.UnitDetail;
import dev.orchestrator.topology.read.StrandedCapacity;
import dev.orchestrator.topology.read.UnitRead;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Units, pools and providers. A unit is read on the instance that runs its task; lists, pools and
 * providers from a snapshot of every instance's units, never more than a second old.
 */
final class UnitQueries {
    private final EngineReads reads;
    private final StateAccess state;
    private final Lookup lookup;
    private final JavaType detailType;
    private final JavaType unitListType;
    private final JavaType slaType;
    private final UnitSnapshot snapshot = new UnitSnapshot(this::gatherUnits, TimeUnit.SECONDS.toNanos(1));

    UnitQueries(final EngineReads reads, final StateAccess state, final Lookup lookup, final ObjectMapper json) {
        this.reads = reads;
        this.state = state;
        this.lookup = lookup;
        this.detailType = json.constructType(UnitDetail.class);
        this.unitListType = json.getTypeFactory().constructCollectionType(List.class, UnitRead.class);
        this.slaType = json.constructType(Views.SlaCompliance.class);
    }

    Views.Unit unit(final String unitId, final boolean stale, final boolean forwarded) {
        final Located<UnitDetail> unit = detail(unitId, stale, forwarded);
        return Views.Unit.of(unit.value(), unit.stale());
    }

    /** A unit with what it holds, read where its task runs. */
    Located<UnitDetail> detail(final String unitId, final boolean stale, final boolean forwarded) {
        final int partition = reads.partitionOf(unitId);
        return lookup.<UnitDetail>find(partition, stale, forwarded, detailType,
                        "/internal/v1/units/" + Peers.encode(unitId), s -> localUnit(unitId, partition, s))
                .orElseThrow(() -> new NotFound("unit " + unitId + " is not registered"));
    }

    /** A unit whose task runs here, or, with {@code stale}, as a standby's copy of the task's stores holds it. */
    Optional<UnitDetail> localUnit(final String unitId, final int partition, final boolean stale) {
        if (reads.holds(partition)) {
            return reads.unit(unitId);
        }
        if (!stale) {
            // the partition is this instance's, but its task is closed for the moment (restoring, or being revived
            // after its producer was fenced): not knowing is 503, never a 404 for a unit that is registered
            throw new Unavailable("the task of partition " + partition + " is not running here right now");
        }
        return state.<Object, Optional<UnitDetail>>readStandby(StoreNames.UNITS, partition, units -> state
                .<Object, Optional<UnitDetail>>readStandby(StoreNames.DEMANDS, partition, demands -> {
                    final List<Object> records = new ArrayList<>();
                    try (var it = demands.all()) {
                        it.forEachRemaining(kv -> records.add(kv.value));
                    }
                    return EngineReads.standbyUnit(units.get(unitId), records.iterator());
                }));
    }

    /** Units from the snapshot, filtered, in id order. */
    Views.Page<Views.UnitSummary> units(final Context ctx) {
        final Paging paging = Paging.of(ctx);
        final String region = ctx.queryParam("region");
        final String provider = ctx.queryParam("provider");
        final String unitState = ctx.queryParam("state");
        final String kind = ctx.queryParam("kind");
        final List<UnitRead> source = snapshot.current().narrowest(region, provider);
        final List<Views.UnitSummary> items = new ArrayList<>();
        String last = null;
        boolean more = false;
        for (int i = UnitSnapshot.Views.after(source, paging.after()); i < source.size(); i++) {
            final UnitRead unit = source.get(i);
            if (provider != null && !provider.equals(unit.providerId())
                    || unitState != null && !unitState.equalsIgnoreCase(unit.state())
                    || kind != null && !kind.equalsIgnoreCase(unit.kind())) {
                continue;
            }
            if (items.size() == paging.limit()) {
                more = true;
                break;
            }
            items.add(Views.UnitSummary.of(unit));
            last = unit.unitId();
        }
        return new Views.Page<>(items, more ? Paging.cursor(last) : null, false);
    }

    /** Every pool's units and utilization. */
    List<Views.Pool> pools() {
        final Map<String, long[]> pools = new TreeMap<>();
        for (final UnitRead unit : snapshot.current().all()) {
            final long[] pool = pools.computeIfAbsent(unit.kind() + "|" + unit.region(), p -> new long[4]);
            pool[0]++;
            pool[1] += unit.allocatable() ? 1 : 0;
            // saturating: a pool of huge units reports Long.MAX_VALUE, never a negative capacity
            pool[2] = saturated(pool[2], unit.capacity().primary(unit.kind()));
            pool[3] = saturated(pool[3], unit.free().primary(unit.kind()));
        }
        final Map<String, Map<String, StrandedCapacity.Amounts>> stranded = StrandedCapacity.of(snapshot.current().all());
        final List<Views.Pool> items = new ArrayList<>();
        pools.forEach((key, p) -> {
            final String kind = key.substring(0, key.indexOf('|'));
            final String region = key.substring(key.indexOf('|') + 1);
            final Map<String, Double> shares = new java.util.LinkedHashMap<>();
            stranded.getOrDefault(kind + " " + region, Map.of()).forEach((dimension, amounts) ->
                    shares.put(dimension, amounts.strandedShare()));
            items.add(new Views.Pool(kind, region, (int) p[0], (int) p[1], p[2], p[3],
                    p[2] == 0 ? 0 : Math.min(1.0, Math.max(0.0, 1.0 - (double) p[3] / p[2])), shares));
        });
        return items;
    }

    /** Every provider with its fleet's health, in id order. */
    Map<String, Views.Provider> providers() {
        final Map<String, ProviderTally> tallies = new TreeMap<>();
        snapshot.current().all().forEach(unit -> tallies.computeIfAbsent(unit.providerId(), p -> new ProviderTally()).add(unit));
        final Map<String, Views.Provider> providers = new java.util.LinkedHashMap<>();
        tallies.forEach((id, t) -> providers.put(id, new Views.Provider(id, t.units, t.allocatable, t.byState,
                t.latency / t.units, t.availability / t.units, null)));
        return providers;
    }

    /** One provider, with the SLA compliance of its allocations gathered from every instance. */
    Views.Provider provider(final String providerId) {
        final Views.Provider provider = providers().get(providerId);
        if (provider == null) {
            throw new NotFound("provider " + providerId + " has no registered units");
        }
        int withSla = 0;
        int meeting = 0;
        for (final String instance : state.instances()) {
            final Views.SlaCompliance part = instance.equals(state.self()) ? localSla(providerId)
                    : lookup.<Views.SlaCompliance>remote(instance, "/internal/v1/providers/" + Peers.encode(providerId) + "/sla",
                            slaType).orElse(Views.SlaCompliance.of(0, 0));
            withSla += part.allocationsWithSla();
            meeting += part.meeting();
        }
        return provider.withSla(Views.SlaCompliance.of(withSla, meeting));
    }

    /** SLA compliance over the provider's units whose tasks run here: confirmed allocations with an SLA, and how many it meets. */
    Views.SlaCompliance localSla(final String providerId) {
        int withSla = 0;
        int meeting = 0;
        for (final UnitDetail unit : reads.unitDetails(providerId)) {
            for (final HeldRead held : unit.allocations()) {
                if (held.sla() && held.confirmed() && "OWNED".equals(held.role())) {
                    withSla++;
                    meeting += held.meeting() ? 1 : 0;
                }
            }
        }
        return Views.SlaCompliance.of(withSla, meeting);
    }

    /** Every instance's units: this one's read here, the others' asked for. */
    private List<UnitRead> gatherUnits() {
        final List<UnitRead> all = new ArrayList<>(reads.units());
        for (final String instance : state.instances()) {
            if (!instance.equals(state.self())) {
                all.addAll(lookup.<List<UnitRead>>remote(instance, "/internal/v1/units", unitListType).orElse(List.of()));
            }
        }
        return all;
    }

    private static long saturated(final long a, final long b) {
        try {
            return Math.addExact(a, b);
        } catch (final ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    /** Running sums of one provider's units. */
    private static final class ProviderTally {
        private final Map<String, Integer> byState = new TreeMap<>();
        private int units;
        private int allocatable;
        private double latency;
        private double availability;

        void add(final UnitRead unit) {
            units++;
            allocatable += unit.allocatable() ? 1 : 0;
            latency += unit.latencyMillis();
            availability += unit.availability();
            byState.merge(unit.state(), 1, Integer::sum);
        }
    }
}
