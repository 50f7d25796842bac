package dev.orchestrator.api.query;

import dev.orchestrator.topology.decision.AllocationRecord;
import dev.orchestrator.topology.decision.Candidate;
import dev.orchestrator.topology.ledger.UnitRecord;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.PolicyTerms;
import dev.orchestrator.topology.model.Reservation;
import dev.orchestrator.topology.model.UnitView;
import java.util.List;
import java.util.Map;

/** What the read API answers: views of the engine's records for people and services, without internals. */
public final class Views {
    private Views() {
    }

    /** A demand and where it stands. */
    public record Demand(String demandId, String consumerId, String status, String reason, String reasonDetail,
                         String unitId, String providerId, String region, Capacity capacity, long pricePerHourMicros,
                         long costMicros, int attempts, String migratingTo, String endpoint, boolean stale) {
        static Demand of(final AllocationRecord r, final boolean stale) {
            return new Demand(r.demandId(), r.consumerId(), r.status().name(), r.reason().isEmpty() ? null : r.reason(),
                    r.reasonDetail().isEmpty() ? null : r.reasonDetail(), r.unitId(), r.providerId(), r.region(),
                    r.request().capacity(), r.pricePerHourMicros(), r.costMicros(), r.attempts(), r.migratingTo(),
                    r.endpoint(), stale);
        }
    }

    /** A consumer's policy as applied: limits absent when none, money in micro-units of the base currency. */
    public record Policy(String consumerId, Integer maxUnits, Capacity maxCapacity, Long budgetMicros, long budgetPeriodMillis,
                         java.util.Set<String> allowedRegions, java.util.Set<String> deniedProviders, Long maxPricePerHourMicros,
                         String strategy, Map<String, Double> weights, boolean stale) {
        static Policy of(final String consumerId, final PolicyTerms p, final boolean stale) {
            return new Policy(consumerId, p.maxUnits() == Integer.MAX_VALUE ? null : p.maxUnits(), p.maxCapacity(),
                    p.budgetMicros() == Long.MAX_VALUE ? null : p.budgetMicros(), p.budgetPeriodMillis(), p.allowedRegions(),
                    p.deniedProviders(), p.maxPriceMicros() == Long.MAX_VALUE ? null : p.maxPriceMicros(),
                    p.spread() ? "SPREAD" : "PACK", p.weights(), stale);
        }
    }

    /** Where an active allocation is served: what a client of the consumer connects to. */
    public record Route(String demandId, String consumerId, String unitId, String providerId, String region, String endpoint) {
        static Route of(final Demand d) {
            return new Route(d.demandId(), d.consumerId(), d.unitId(), d.providerId(), d.region(), d.endpoint());
        }
    }

    /** Why a demand went where it went: the units tried and refused, and the candidates with their scores. */
    public record Explanation(String demandId, String status, int attempts, List<String> refusedBy,
                              List<Candidate> candidates, boolean stale) {
        static Explanation of(final AllocationRecord r, final boolean stale) {
            return new Explanation(r.demandId(), r.status().name(), r.attempts(), r.tried(), r.candidates(), stale);
        }
    }

    /** One allocation held on a unit. */
    public record Held(String allocationId, String demandId, String consumerId, Capacity capacity, boolean confirmed,
                       boolean leaving) {
        static Held of(final Reservation r) {
            return new Held(r.allocationId(), r.demandId(), r.consumerId(), r.capacity(), r.confirmed(), r.leaving());
        }
    }

    /** A unit as its ledger holds it: state, capacity, use, health, allocations. */
    public record Unit(String unitId, String providerId, String kind, String region, String pool, String state,
                       boolean healthy, Capacity capacity, Capacity used, Capacity free, long pricePerHourMicros,
                       double latencyMillis, double availability, long lastHeartbeat, List<Held> allocations, boolean stale) {
        static Unit of(final UnitRecord u, final boolean stale) {
            return new Unit(u.spec().unitId(), u.spec().providerId(), u.spec().kind().name(), u.spec().region(),
                    u.spec().pool(), u.visibleState().name(), u.health().healthy(), u.spec().capacity(), u.used(), u.free(),
                    u.spec().pricePerHourMicros(), u.health().ewmaLatencyMillis(), u.health().availability(),
                    u.health().lastHeartbeat(), u.reservations().values().stream().map(Held::of).toList(), stale);
        }
    }

    /** A unit in a list: its latest published view. */
    public record UnitSummary(String unitId, String providerId, String kind, String region, String state,
                              boolean allocatable, Capacity capacity, Capacity free, long pricePerHourMicros,
                              double latencyMillis, double availability, int allocations) {
        static UnitSummary of(final UnitView v) {
            return new UnitSummary(v.unitId(), v.providerId(), v.kind().name(), v.region(), v.state(), v.allocatable(),
                    v.capacity(), v.free(), v.pricePerHourMicros(), v.latencyMillis(), v.availability(), v.allocations());
        }
    }

    /** Use of one pool (kind and region) on the kind's primary dimension (storage bytes or CPU millis). */
    public record Pool(String kind, String region, int units, int allocatable, long capacity, long free, double utilization) {
    }

    /** A provider's fleet at a glance. */
    public record Provider(String providerId, int units, int allocatable, Map<String, Integer> byState,
                           double meanLatencyMillis, double meanAvailability, SlaCompliance sla) {
        Provider withSla(final SlaCompliance compliance) {
            return new Provider(providerId, units, allocatable, byState, meanLatencyMillis, meanAvailability, compliance);
        }
    }

    /**
     * How a provider keeps the SLAs placed on it: of the confirmed allocations with an SLA on its
     * units, how many sit on a unit that meets the SLA's latency and availability right now;
     * {@code compliance} is their share, null when no allocation has an SLA.
     */
    public record SlaCompliance(int allocationsWithSla, int meeting, Double compliance) {
        static SlaCompliance of(final int withSla, final int meeting) {
            return new SlaCompliance(withSla, meeting, withSla == 0 ? null : (double) meeting / withSla);
        }
    }

    /** One page of a list; {@code next} is the cursor of the following page, absent on the last. */
    public record Page<T>(List<T> items, String next, boolean stale) {
    }
}
