package dev.orchestrator.topology.decide;

import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.PlaceRequest;
import dev.orchestrator.topology.model.PolicyTerms;
import dev.orchestrator.topology.model.SlaTerms;
import dev.orchestrator.topology.model.TentativeUnit;
import dev.orchestrator.topology.model.UnitKind;
import dev.orchestrator.topology.routing.Journey;
import dev.orchestrator.topology.model.UnitFacts;
import dev.orchestrator.topology.scoring.Decision;
import dev.orchestrator.topology.scoring.Filter;
import dev.orchestrator.topology.scoring.Filters;
import dev.orchestrator.topology.scoring.ScoringContext;
import dev.orchestrator.topology.scoring.ScoringPipeline;
import dev.orchestrator.topology.scoring.Scorers;
import dev.orchestrator.topology.task.EngineTask;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Which unit of this task serves a demand best (step 3, scoring, over the task's exact index), and
 * whether another task should decide it instead: one with room when nothing here fits, or one whose
 * units look clearly cheaper (by {@code engine.spill.margin}) for a demand that has not moved yet.
 */
public final class Choices {
    /** Units looked at once the candidate window shows nothing feasible: bounds the work of a rejection. */
    private static final int WIDE_LOOK = 10_000;

    private final ScoringPipeline pipeline = new ScoringPipeline(Filters.ALL);
    private final EngineTask task;

    public Choices(final EngineTask task) {
        this.task = task;
    }

    /** The best unit here for {@code record} within {@code budgetLeft} per placement, or why there is none. */
    public Decision best(final Allocation record, final PolicyTerms policy, final Optional<SlaTerms> sla,
                         final long budgetLeft) {
        return best(record.request(), policy, sla, Set.copyOf(record.tried()), budgetLeft);
    }

    /** The best unit here for {@code request} other than {@code excluded}. */
    public Decision best(final PlaceRequest request, final PolicyTerms policy, final Optional<SlaTerms> sla,
                         final Set<String> excluded, final long budgetLeft) {
        final ScoringContext scoring = new ScoringContext(request, policy, sla, excluded, budgetLeft);
        final Collection<String> scope = scope(request, policy);
        final Decision decision = pipeline.decide(scoring, task.slice().index().candidates(request.kind(), scope,
                request.kind().primary(request.capacity()), policy.spread(), task.settings().candidatesPerRegion()));
        if (decision.chosen().isPresent()) {
            return decision;
        }
        // the window showed nothing feasible: look once at every unit in scope, full ones included, so a
        // fitting unit past the window is found and a rejection names the constraint that binds
        return pipeline.decide(scoring, task.slice().index().all(request.kind(), scope, WIDE_LOOK));
    }

    /**
     * The best unit here for {@code request} as the units would be once {@code taken} (by unit id) more is
     * held on them: a member of a gang judged after the members planned before it.
     */
    public Decision bestWith(final PlaceRequest request, final PolicyTerms policy, final Optional<SlaTerms> sla,
                             final Map<String, Capacity> taken) {
        final ScoringContext scoring = new ScoringContext(request, policy, sla, Set.of(), Long.MAX_VALUE);
        final Collection<String> scope = scope(request, policy);
        final Decision decision = pipeline.decide(scoring, tentative(task.slice().index().candidates(request.kind(), scope,
                request.kind().primary(request.capacity()), policy.spread(), task.settings().candidatesPerRegion()), taken));
        return decision.chosen().isPresent() ? decision
                : pipeline.decide(scoring, tentative(task.slice().index().all(request.kind(), scope, WIDE_LOOK), taken));
    }

    private static List<UnitFacts> tentative(final List<UnitFacts> units, final Map<String, Capacity> taken) {
        if (taken.isEmpty()) {
            return units;
        }
        final List<UnitFacts> out = new ArrayList<>(units.size());
        for (final UnitFacts unit : units) {
            final Capacity more = taken.get(unit.unitId());
            out.add(more == null ? unit : new TentativeUnit(unit, more));
        }
        return out;
    }

    /** {@code unit} alone judged for {@code request}: every filter, room included, and its price. */
    public Decision on(final PlaceRequest request, final PolicyTerms policy, final Optional<SlaTerms> sla, final UnitFacts unit) {
        return pipeline.decide(new ScoringContext(request, policy, sla, Set.of(), Long.MAX_VALUE), List.of(unit));
    }

    /** Whether {@code unit} may serve {@code request} by every rule but room: kind, region, policy, health, GPU model, SLA, price cap. */
    public static boolean mayUse(final PlaceRequest request, final PolicyTerms policy, final Optional<SlaTerms> sla,
                                 final UnitFacts unit) {
        final ScoringContext context = new ScoringContext(request, policy, sla, Set.of(), Long.MAX_VALUE);
        for (final Filter filter : Filters.BESIDES_ROOM) {
            if (!filter.test(context, unit)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether some unit {@code request} may be sent to could hold it once free: one of this task's in
     * scope whose whole capacity covers it (whatever its state now: it may come back from maintenance),
     * or a pool of another task's summaries that could. A demand no unit could ever hold does not wait.
     */
    public boolean couldEverFit(final PlaceRequest request, final PolicyTerms policy) {
        return couldEverFitHere(request, policy) || task.remote().anyPool(request, scope(request, policy), task.self());
    }

    /**
     * Whether one of this task's allocatable units in scope has at least as much free on the primary
     * dimension as {@code request} asks: a cheap necessary condition for a placement here.
     */
    public boolean mightFitHere(final PlaceRequest request, final PolicyTerms policy) {
        return !task.slice().index().candidates(request.kind(), scope(request, policy),
                request.kind().primary(request.capacity()), false, 1).isEmpty();
    }

    /** Whether one of this task's units in scope could hold {@code request} once free. */
    public boolean couldEverFitHere(final PlaceRequest request, final PolicyTerms policy) {
        final Collection<String> scope = scope(request, policy);
        // every unit, not the index: one in maintenance or unhealthy now is not indexed but may come back
        for (final dev.orchestrator.topology.ledger.UnitState unit : task.slice().units()) {
            if (unit.kind() == request.kind() && (scope.isEmpty() || scope.contains(unit.region()))
                    && unit.capacity().covers(request.capacity())) {
                return true;
            }
        }
        return false;
    }

    /** The task that should decide {@code record} instead of this one, if any. */
    public OptionalInt elsewhere(final Allocation record, final Journey journey, final PolicyTerms policy,
                                 final Decision decision) {
        final Set<String> scope = scope(record.request(), policy);
        if (decision.chosen().isEmpty()) {
            // moved here for price, it goes straight back where it could be placed before looking further
            if (journey.arrival() != task.self() && !journey.triedPartitions().contains(journey.arrival())) {
                return OptionalInt.of(journey.arrival());
            }
            if (sparesGpus(record.request(), policy)) {
                final OptionalInt cpuOnly = task.remote().withoutGpus(record.request(), scope, task.self(), journey.triedPartitions());
                if (cpuOnly.isPresent()) {
                    return cpuOnly;
                }
            }
            final OptionalInt known = task.remote().target(record.request(), scope, task.self(), journey.triedPartitions());
            if (known.isPresent()) {
                return known;
            }
            // no unit of its kind here or known elsewhere: before "no such unit", every task is asked, since a
            // unit registered a moment ago is in no summary yet
            final boolean noneKnown = decision.evaluated() == 0
                    && !task.remote().anyPool(record.request(), scope, task.self());
            return task.remote().untried(task.self(), journey.triedPartitions(), task.partitions(), noneKnown);
        }
        final boolean priceMatters = policy.weights().getOrDefault(Scorers.PRICE, Scorers.DEFAULT_WEIGHTS.get(Scorers.PRICE)) > 0;
        // only where it arrived, the first time: a demand moved for price may come back, and is placed then
        final boolean firstLook = journey.arrival() == task.self() && journey.pointedTo() == task.self()
                && journey.triedPartitions().isEmpty();
        if (!firstLook || record.executionFailures() > 0) {
            return OptionalInt.empty();
        }
        if (sparesGpus(record.request(), policy) && decision.chosen().get().capacity().gpuCount() > 0) {
            final OptionalInt cpuOnly = task.remote().withoutGpus(record.request(), scope, task.self(), journey.triedPartitions());
            if (cpuOnly.isPresent()) {
                return cpuOnly;
            }
        }
        if (!priceMatters) {
            return OptionalInt.empty();
        }
        return task.remote().target(record.request(), scope, task.self(), journey.triedPartitions(), true);
    }

    /**
     * Whether {@code request} is a job that needs no GPU under a policy that spares GPUs: it keeps off
     * GPU units among this task's own (a scorer), and before it takes one here, or when it goes elsewhere,
     * another task's room on a unit without GPUs comes first.
     */
    private static boolean sparesGpus(final PlaceRequest request, final PolicyTerms policy) {
        return request.kind() == UnitKind.COMPUTE && request.capacity().gpuCount() == 0
                && policy.weights().getOrDefault(Scorers.GPU_SPARING, Scorers.DEFAULT_WEIGHTS.get(Scorers.GPU_SPARING)) > 0;
    }

    /**
     * Why nothing here fits and no other task was worth trying: what the scoring found, except that a
     * task without a unit in scope that could hold it says NO_CAPACITY when other tasks have such units
     * (all full).
     */
    public ReasonCode reason(final Allocation record, final PolicyTerms policy, final Decision decision) {
        final boolean poolsElsewhere = task.remote().anyPool(record.request(), scope(record.request(), policy), task.self());
        // units here that could never hold it (another GPU model, too small) while another task's could: those are full
        final boolean noneHere = decision.evaluated() == 0
                || decision.rejection() == ReasonCode.NO_FEASIBLE_UNIT && !couldEverFitHere(record.request(), policy);
        return noneHere && poolsElsewhere ? ReasonCode.NO_CAPACITY : decision.rejection();
    }

    /** What a placement holds against the budget up front: the price for its duration, or an hour when open-ended. */
    public static long cost(final Decision decision, final PlaceRequest request) {
        return cost(decision.pricePerHourMicros(), request);
    }

    /** The same for a price per hour. */
    public static long cost(final long pricePerHourMicros, final PlaceRequest request) {
        final double hours = request.durationMillis() > 0 ? request.durationMillis() / 3_600_000.0 : 1.0;
        return (long) Math.ceil(pricePerHourMicros * hours);
    }

    /** The regions to look in: the demand's, else the policy's, else all (empty). */
    public static Set<String> scope(final PlaceRequest request, final PolicyTerms policy) {
        return request.regions().isEmpty() ? policy.allowedRegions() : Set.copyOf(request.regions());
    }
}
