package dev.orchestrator.api.query;

import dev.orchestrator.topology.read.CandidateRead;
import dev.orchestrator.topology.read.CapacityRead;
import dev.orchestrator.topology.read.DemandRead;
import dev.orchestrator.topology.read.HeldRead;
import dev.orchestrator.topology.read.PolicyRead;
import dev.orchestrator.topology.read.UnitDetail;
import dev.orchestrator.topology.read.UnitRead;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the read API answers: views of what the engine reads out, for people and services. */
public final class Views {
    private Views() {
    }

    /** A demand and where it stands. */
    public record Demand(String demandId, String consumerId, String status, String reason, String reasonDetail,
                         String unitId, String providerId, String region, CapacityRead capacity, long pricePerHourMicros,
                         long costMicros, int attempts, String migratingTo, String endpoint, boolean stale) {
        static Demand of(final DemandRead d, final boolean stale) {
            return new Demand(d.demandId(), d.consumerId(), d.status(), d.reason(), d.reasonDetail(), d.unitId(),
                    d.providerId(), d.region(), d.capacity(), d.pricePerHourMicros(), d.costMicros(), d.attempts(),
                    d.migratingTo(), d.endpoint(), stale);
        }
    }

    /** A consumer's policy as applied: limits absent when none, money in micro-units of the base currency. */
    public record Policy(String consumerId, Integer maxUnits, CapacityRead maxCapacity, Long budgetMicros,
                         long budgetPeriodMillis, Set<String> allowedRegions, Set<String> deniedProviders,
                         Long maxPricePerHourMicros, String strategy, Map<String, Double> weights, int priority,
                         long maxWaitSeconds, Integer disruptionBudgetPercent, boolean stale) {
        static Policy of(final PolicyRead p, final boolean stale) {
            return new Policy(p.consumerId(), p.maxUnits(), p.maxCapacity(), p.budgetMicros(), p.budgetPeriodMillis(),
                    p.allowedRegions(), p.deniedProviders(), p.maxPricePerHourMicros(), p.strategy(), p.weights(),
                    p.priority(), p.maxWaitSeconds(), p.disruptionBudgetPercent(), stale);
        }
    }

    /** Where an active allocation is served: what a client of the consumer connects to. */
    public record Route(String demandId, String consumerId, String unitId, String providerId, String region, String endpoint) {
        static Route of(final Demand d) {
            return new Route(d.demandId(), d.consumerId(), d.unitId(), d.providerId(), d.region(), d.endpoint());
        }
    }

    /** Why a demand went where it went: the units it failed on, and the candidates with their scores. */
    public record Explanation(String demandId, String status, int attempts, List<String> refusedBy, String reason,
                              String reasonDetail, List<CandidateRead> candidates, String waitUntil, boolean stale) {
        static Explanation of(final DemandRead d, final boolean stale) {
            return new Explanation(d.demandId(), d.status(), d.attempts(), d.tried(), d.reason(), d.reasonDetail(),
                    d.candidates(), d.waitUntil() > 0 ? java.time.Instant.ofEpochMilli(d.waitUntil()).toString() : null, stale);
        }
    }

    /** A unit as its task holds it: state, capacity, use, health, allocations. */
    public record Unit(String unitId, String providerId, String kind, String region, String pool, String state,
                       boolean healthy, CapacityRead capacity, CapacityRead used, CapacityRead free, long pricePerHourMicros,
                       double latencyMillis, double availability, long lastHeartbeat, List<HeldRead> allocations,
                       boolean stale) {
        static Unit of(final UnitDetail detail, final boolean stale) {
            final UnitRead u = detail.unit();
            return new Unit(u.unitId(), u.providerId(), u.kind(), u.region(), u.pool(), u.state(), u.healthy(), u.capacity(),
                    u.used(), u.free(), u.pricePerHourMicros(), u.latencyMillis(), u.availability(), u.lastHeartbeat(),
                    detail.allocations(), stale);
        }
    }

    /** A unit in a list. */
    public record UnitSummary(String unitId, String providerId, String kind, String region, String state,
                              boolean allocatable, CapacityRead capacity, CapacityRead free, long pricePerHourMicros,
                              double latencyMillis, double availability, int allocations) {
        static UnitSummary of(final UnitRead u) {
            return new UnitSummary(u.unitId(), u.providerId(), u.kind(), u.region(), u.state(), u.allocatable(), u.capacity(),
                    u.free(), u.pricePerHourMicros(), u.latencyMillis(), u.availability(), u.allocations());
        }
    }

    /** The demands waiting for capacity: how many in all, per pool, and per priority with how their waits ended. */
    public record Queues(int waiting, List<QueuePool> pools, List<QueuePriority> priorities, QueueGangs gangs,
                         QueueOptimizer optimizer) {
    }

    /**
     * The background optimizer's last rounds, added up over the tasks: whether any ran, the demand turned away lately,
     * how much of it the room added up would have held (room in pieces), the moves asked, the allocations looked at,
     * and its estimate of the gap to a repacked plan (room in pieces over allocations and turned away).
     */
    public record QueueOptimizer(boolean running, long turnedAway, long roomInPieces, long movesAsked, long allocations,
                                 double estimatedGap) {
    }

    /** Gangs gathering now (and their members waiting), and since the tasks started: placed, timed out, handed on. */
    public record QueueGangs(int gathering, int membersWaiting, long placed, long timedOut, long handedOver) {
    }

    /** Demands waiting in one pool (kind and the regions they asked for) and the longest wait so far. */
    public record QueuePool(String pool, int waiting, double oldestWaitSeconds) {
    }

    /** One priority: waiting now, placed after waiting (mean and longest wait), and waits that expired. */
    public record QueuePriority(int priority, int waiting, long placedAfterWaiting, double meanWaitSeconds,
                                double longestWaitSeconds, long expired) {
    }

    /** Use of one pool (kind and region) on the kind's primary dimension (storage bytes or CPU millis). */
    public record Pool(String kind, String region, int units, int allocatable, long capacity, long free, double utilization,
                       Map<String, Double> stranded) {
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
