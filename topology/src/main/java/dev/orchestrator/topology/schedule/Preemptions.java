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
 * budget), and taking their room: each is released, deprovisioned and written PREEMPTED naming its
 * preemptor. An allocation that was preempted never preempts (no chains), nor does one placed again
 * after a failed provisioning. The caller reserves the freed room for the preemptor in the same
 * transaction and places the victims again first.
 */
public final class Preemptions {
    /** Allocations one search reads at most: bounds the work a preemption adds to a rejection. */
    static final int MAX_HOLDS = 4_096;
    private static final double MILLIS_PER_HOUR = 3_600_000.0;
    public static final String PREEMPTED = "allocations_preempted_total";

    private final EngineTask task;

    public Preemptions(final EngineTask task) {
        this.task = task;
    }

    /** Whether {@code record} may preempt at all. */
    public boolean mayPreempt(final Allocation record) {
        return task.settings().scheduling().preemption() && record.preemptions() == 0 && record.executionFailures() == 0;
    }

    /** The victims that would make room for {@code record} on one of this task's units, if any. */
    public Optional<VictimChoice.Plan> plan(final Allocation record, final PolicyTerms policy, final Optional<SlaTerms> sla) {
        final SchedulingSettings settings = task.settings().scheduling();
        final int priority = record.request().priorityUnder(policy);
        final List<VictimChoice.Room> rooms = new ArrayList<>();
        final Map<String, Integer> allowance = new HashMap<>();
        final long windowStart = task.now() - settings.disruptionWindowMillis();
        int looked = 0;
        for (final UnitState unit : task.slice().units()) {
            if (looked >= MAX_HOLDS) {
                break;
            }
            if (unit.kind() != record.request().kind() || !unit.capacity().covers(record.request().capacity())
                    || unit.holds().isEmpty() || !Choices.mayUse(record.request(), policy, sla, unit)) {
                continue;
            }
            looked += unit.holds().size();
            final List<VictimChoice.Holder> holders = new ArrayList<>();
            for (final Held held : unit.holds()) {
                final VictimChoice.Holder holder = holder(held, unit, priority, settings.priorityGap());
                if (holder != null) {
                    holders.add(holder);
                    allowance.computeIfAbsent(holder.consumerId(), c -> task.preemptionBudget().allowance(c,
                            task.held(c).units(), settings.budgetPercent(task.terms(c).disruptionPercent()), windowStart));
                }
            }
            if (!holders.isEmpty()) {
                rooms.add(new VictimChoice.Room(unit.unitId(), unit.free(), holders));
            }
        }
        return VictimChoice.choose(record.request().capacity(), priority, settings.priorityGap(), rooms, allowance);
    }

    /** {@code held} as a possible victim: an allocation of this task settled on {@code unit}, outranked. */
    private VictimChoice.Holder holder(final Held held, final UnitState unit, final int priority, final int gap) {
        if (held.role() != Held.Role.OWNED) {
            return null;
        }
        // most allocations are not outranked: they are passed over without reading their record
        final Integer placedAt = task.priorities().get(held.allocationId());
        if (placedAt != null && !VictimChoice.outranked(placedAt, priority, gap)
                && placedAt == task.terms(held.consumerId()).priority()) {
            return null;
        }
        if (!(task.log().get(held.allocationId()) instanceof Allocation allocation)
                || !allocation.holdsCapacity() || allocation.migration() != null
                || !unit.unitId().equals(allocation.unitId())) {
            return null;
        }
        final int own = allocation.request().priorityUnder(task.terms(allocation.consumerId()));
        return VictimChoice.outranked(own, priority, gap)
                ? new VictimChoice.Holder(allocation.demandId(), allocation.consumerId(), own, held.capacity()) : null;
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
        final long spent = placement.isConfirmed()
                ? (long) Math.ceil(placement.pricePerHourMicros() * (Math.max(0, now - placement.confirmedAt()) / MILLIS_PER_HOUR))
                : 0;
        task.usage(victim.consumerId()).release(victim.request().capacity(), placement.costMicros());
        task.usage(victim.consumerId()).spent(spent, now, now, task.terms(victim.consumerId()).budgetPeriodMillis());
        task.preemptionBudget().preempted(victim.consumerId(), now);
        task.priorities().remove(victimId);
        final int own = victim.request().priorityUnder(task.terms(victim.consumerId()));
        final String detail = "preempted by " + preemptor.demandId() + " of " + preemptor.consumerId() + " (priority "
                + priority + " over this allocation's " + own + ") to make room on " + unitId;
        task.out().counters().increment(PREEMPTED, Map.of());
        return task.log().write(victim, victim.edit().status(Allocation.Status.PREEMPTED).preempted(preemptor.demandId(), now)
                .reason(ReasonCode.PREEMPTED.name(), detail).ended(victim.spentMicros() + spent, now), "PREEMPTED", changes);
    }
}
