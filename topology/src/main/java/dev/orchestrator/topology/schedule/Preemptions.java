package dev.orchestrator.topology.schedule;

import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.decide.Choices;
import dev.orchestrator.topology.emit.Commands;
import dev.orchestrator.topology.ledger.Held;
import dev.orchestrator.topology.ledger.UnitChange;
import dev.orchestrator.topology.ledger.UnitState;
import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.model.Placement;
import dev.orchestrator.topology.model.PolicyTerms;
import dev.orchestrator.topology.model.SlaTerms;
import dev.orchestrator.topology.task.EngineTask;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Preemption on one task: for a demand that fits nowhere, the victims among this task's allocations
 * ({@link VictimChoice}: lower priority by at least the gap, within each victim consumer's disruption
 * budget) on the {@value #UNITS_PER_REGION} units with the most room in each region it may use, and
 * taking their room: each is released, deprovisioned and written PREEMPTED naming its
 * preemptor. An allocation that was preempted never preempts (no chains), nor does one placed again
 * after a failed provisioning. The caller reserves the freed room for the preemptor in the same
 * transaction and places the victims again first.
 */
public final class Preemptions {
    /** Allocations one search looks at, at most: bounds the work a preemption adds to a rejection. */
    static final int MAX_HOLDS = 4_096;
    /** Units one search looks at per region, those with the most room first. */
    static final int UNITS_PER_REGION = 16;
    public static final String PREEMPTED = "allocations_preempted_total";

    /** Searches one retry of the waiting demands may make: bounds what a sweep adds when many wait. */
    static final int SEARCHES_PER_SWEEP = 8;

    private final EngineTask task;
    /** Searches left in the retry under way; -1 outside one. */
    private int sweepSearchesLeft = -1;

    public Preemptions(final EngineTask task) {
        this.task = task;
    }

    /** A retry of the waiting demands begins ({@code true}) or ends. */
    public void retrying(final boolean begins) {
        sweepSearchesLeft = begins ? SEARCHES_PER_SWEEP : -1;
    }

    /** Whether {@code record} could preempt now, without counting a search. */
    public boolean couldPreempt(final Allocation record) {
        return task.settings().scheduling().preemption() && record.preemptions() == 0 && record.executionFailures() == 0
                && sweepSearchesLeft != 0;
    }

    /** Whether {@code record} may preempt now (and, in a retry of the waiting demands, one search fewer is left). */
    public boolean mayPreempt(final Allocation record) {
        if (!task.settings().scheduling().preemption() || record.preemptions() > 0 || record.executionFailures() > 0
                || sweepSearchesLeft == 0) {
            return false;
        }
        if (sweepSearchesLeft > 0) {
            sweepSearchesLeft--;
        }
        return true;
    }

    /**
     * The victims that would make room for {@code record} on one of this task's units, if any. Only the
     * victims chosen are read from the store: priorities are on the holds.
     */
    public Optional<VictimChoice.Plan> plan(final Allocation record, final PolicyTerms policy, final Optional<SlaTerms> sla) {
        final SchedulingSettings settings = task.settings().scheduling();
        final int priority = record.request().priorityUnder(policy);
        final List<VictimChoice.Room> rooms = new ArrayList<>();
        final Map<String, Integer> allowance = new HashMap<>();
        final long windowStart = task.now() - settings.disruptionWindowMillis();
        int looked = 0;
        for (final dev.orchestrator.topology.model.UnitFacts facts : task.slice().index().roomiest(record.request().kind(),
                Choices.scope(record.request(), policy), UNITS_PER_REGION)) {
            final UnitState unit = (UnitState) facts;
            if (looked >= MAX_HOLDS) {
                break;
            }
            if (!unit.capacity().covers(record.request().capacity()) || !unit.holdsAnything()
                    || !Choices.mayUse(record.request(), policy, sla, unit)) {
                continue;
            }
            final List<Held> holds = unit.holds();
            looked += holds.size();
            final List<VictimChoice.Holder> holders = new ArrayList<>();
            for (final Held held : holds) {
                if (held.role() != Held.Role.OWNED) {
                    continue;
                }
                final int own = task.priorityOf(held);
                if (!VictimChoice.outranked(own, priority, settings.priorityGap())
                        || allowance.computeIfAbsent(held.consumerId(), c -> task.preemptionBudget().allowance(c,
                        task.held(c).units(), settings.budgetPercent(task.terms(c).disruptionPercent()), windowStart)) <= 0) {
                    continue;
                }
                holders.add(new VictimChoice.Holder(held.allocationId(), held.consumerId(), own, held.capacity()));
            }
            if (!holders.isEmpty()) {
                rooms.add(new VictimChoice.Room(unit.unitId(), unit.free(), holders));
            }
        }
        // the victims chosen are checked against their records: one that is moving, say, is left out and the choice made again
        for (int round = 0; round < 4; round++) {
            final Optional<VictimChoice.Plan> plan = VictimChoice.choose(record.request().capacity(), priority,
                    settings.priorityGap(), rooms, allowance);
            if (plan.isEmpty()) {
                return plan;
            }
            final List<String> unfit = new ArrayList<>();
            for (final VictimChoice.Holder victim : plan.get().victims()) {
                if (!settled(victim.allocationId(), plan.get().unitId())) {
                    unfit.add(victim.allocationId());
                }
            }
            if (unfit.isEmpty()) {
                return plan;
            }
            rooms.replaceAll(room -> new VictimChoice.Room(room.unitId(), room.free(),
                    room.holders().stream().filter(h -> !unfit.contains(h.allocationId())).toList()));
        }
        return Optional.empty();
    }

    /** Whether allocation {@code id} is settled on {@code unitId}: holding capacity there, not moving. */
    private boolean settled(final String id, final String unitId) {
        return task.log().get(id) instanceof Allocation allocation && allocation.holdsCapacity()
                && allocation.migration() == null && unitId.equals(allocation.unitId());
    }

    /**
     * Takes the room of {@code victimId} on {@code unitId} for {@code preemptor} (at {@code priority}):
     * freed, deprovisioned, billed for the time it ran, counted against its consumer's budget, and
     * written PREEMPTED. Returns its record, to be placed again.
     */
    public Allocation evict(final String victimId, final String unitId, final Allocation preemptor, final int priority) {
        final Allocation victim = (Allocation) task.log().get(victimId);
        final UnitState unit = task.slice().get(unitId);
        final long now = task.now();
        final Placement placement = victim.placement();
        final List<UnitChange> changes = new ArrayList<>();
        final UnitChange released = task.slice().release(unit, victimId, "PREEMPTED");
        if (released != null) {
            changes.add(released);
        }
        task.out().command(Commands.of(CommandType.DEPROVISION, victimId + ":preempted" + (victim.preemptions() + 1) + ":"
                + unitId, victimId, victim.consumerId(), unit.spec(), victim.request().capacity(), null,
                task.out().money(placement.pricePerHourMicros()), 0, now, Map.of()));
        final long spent = placement.spentUntil(now);
        task.usage(victim.consumerId()).release(victim.request().capacity(), placement.costMicros());
        task.usage(victim.consumerId()).spent(spent, now, now, task.terms(victim.consumerId()).budgetPeriodMillis());
        task.preemptionBudget().preempted(victim.consumerId(), now);
        final int own = victim.request().priorityUnder(task.terms(victim.consumerId()));
        final String detail = "preempted by " + preemptor.demandId() + " of " + preemptor.consumerId() + " (priority "
                + priority + " over this allocation's " + own + ") to make room on " + unitId;
        task.out().counters().increment(PREEMPTED, Map.of());
        return task.log().write(victim, victim.edit().status(Allocation.Status.PREEMPTED).preempted(preemptor.demandId(), now)
                .reason(ReasonCode.PREEMPTED.name(), detail).ended(victim.spentMicros() + spent, now), "PREEMPTED", changes);
    }
}
