package dev.orchestrator.topology.scoring;

import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.Prices;
import dev.orchestrator.topology.model.UnitFacts;
import java.util.List;
import java.util.function.BiPredicate;

/** The built-in filters, cheapest first: each drops a unit for one stated reason. */
public final class Filters {
    private Filters() {
    }

    /** Units already tried for this demand, whose view was stale. */
    public static final Filter NOT_TRIED = of("not-tried", ReasonCode.NO_CAPACITY,
            (c, u) -> !c.excluded().contains(u.unitId()));
    public static final Filter KIND = of("kind", ReasonCode.NO_FEASIBLE_UNIT, (c, u) -> u.kind() == c.demand().kind());
    public static final Filter REGION = of("region", ReasonCode.REGION_NOT_ALLOWED,
            (c, u) -> (c.demand().regions().isEmpty() || c.demand().regions().contains(u.region()))
                    && (c.policy().allowedRegions().isEmpty() || c.policy().allowedRegions().contains(u.region())));
    public static final Filter POLICY_DENY = of("policy-deny", ReasonCode.NO_FEASIBLE_UNIT,
            (c, u) -> !c.policy().deniedProviders().contains(u.providerId()));
    /** Maintenance, decommissioning and unhealthy units take nothing new. */
    public static final Filter ALLOCATABLE = of("allocatable", ReasonCode.NO_FEASIBLE_UNIT, (c, u) -> u.allocatable());
    /** Units of a provider whose recent SLA breaches passed the threshold take nothing new. */
    public static final Filter PROVIDER_STANDING = of("provider-standing", ReasonCode.NO_FEASIBLE_UNIT,
            (c, u) -> u.eligible());
    /**
     * A demand for GPUs goes only to a unit built with GPUs of the model it names (any model when it names
     * none): a unit of another model is infeasible, not full, whatever its room.
     */
    public static final Filter GPU = of("gpu", ReasonCode.NO_FEASIBLE_UNIT, (c, u) -> gpuMatches(c.demand().capacity(),
            u.capacity()));
    public static final Filter FITS = of("fits", ReasonCode.NO_CAPACITY, (c, u) -> u.free().covers(c.demand().capacity()));
    public static final Filter QOS = of("qos", ReasonCode.SLA_UNSATISFIABLE, (c, u) -> c.sla()
            .map(s -> u.latencyMillis() <= s.maxLatencyMillis() && u.availability() >= s.minAvailability())
            .orElse(true));
    public static final Filter PRICE_CAP = of("price-cap", ReasonCode.PRICE_CAP_EXCEEDED,
            (c, u) -> price(c, u) <= c.priceCapMicros());
    public static final Filter BUDGET = of("budget", ReasonCode.BUDGET_EXCEEDED,
            (c, u) -> c.budgetLeftMicros() == Long.MAX_VALUE || price(c, u) * c.billedHours() <= c.budgetLeftMicros());

    /**
     * Unless a policy weighs {@code gpu-reserve} at 0 (it is on by default): a job that needs no GPU leaves each
     * free GPU of a GPU unit its share of the unit's CPU and memory, as the taint GKE and AKS put on GPU nodes keeps
     * CPU pods off them, so a GPU is never stranded with nothing beside it. It may still use what busy GPUs do not
     * need.
     */
    public static final Filter GPU_RESERVE = of("gpu-reserve", ReasonCode.NO_CAPACITY, (c, u) ->
            c.policy().weights().getOrDefault(Scorers.GPU_RESERVE, Scorers.DEFAULT_WEIGHTS.get(Scorers.GPU_RESERVE)) <= 0
                    || reserveKept(c.demand().capacity(), u.capacity(), u.free()));

    /** Every filter, in the order the pipeline runs them. */
    public static final List<Filter> ALL = List.of(NOT_TRIED, KIND, REGION, POLICY_DENY, ALLOCATABLE, PROVIDER_STANDING, GPU, FITS,
            GPU_RESERVE, QOS, PRICE_CAP, BUDGET);

    /** The rules other than room and budget: whether a unit could serve the demand at all, were it empty enough. */
    public static final List<Filter> BESIDES_ROOM = List.of(KIND, REGION, POLICY_DENY, ALLOCATABLE, PROVIDER_STANDING, GPU, QOS,
            PRICE_CAP);

    /** Whether {@code wanted} on a unit of {@code total} with {@code free} left leaves each free GPU its share of CPU and memory. */
    static boolean reserveKept(final Capacity wanted, final Capacity total, final Capacity free) {
        if (wanted.gpuCount() > 0 || total.gpuCount() == 0 || free.gpuCount() == 0) {
            return true;
        }
        final double cpuPerGpu = (double) total.cpuMillis() / total.gpuCount();
        final double memoryPerGpu = (double) total.memoryBytes() / total.gpuCount();
        return free.cpuMillis() - wanted.cpuMillis() >= free.gpuCount() * cpuPerGpu
                && free.memoryBytes() - wanted.memoryBytes() >= free.gpuCount() * memoryPerGpu;
    }

    static boolean gpuMatches(final Capacity wanted, final Capacity built) {
        return wanted.gpuCount() == 0 || built.gpuCount() > 0 && (wanted.gpuType() == null || wanted.gpuType().equals(built.gpuType()));
    }

    static long price(final ScoringContext context, final UnitFacts unit) {
        return Prices.proRata(unit.pricePerHourMicros(), unit.capacity(), context.demand().capacity());
    }

    private static Filter of(final String name, final ReasonCode reason, final BiPredicate<ScoringContext, UnitFacts> test) {
        return new Named(name, reason, test);
    }

    private record Named(String name, ReasonCode reason, BiPredicate<ScoringContext, UnitFacts> predicate) implements Filter {
        @Override
        public boolean test(final ScoringContext context, final UnitFacts unit) {
            return predicate.test(context, unit);
        }
    }
}
