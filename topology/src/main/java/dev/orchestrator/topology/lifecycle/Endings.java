package dev.orchestrator.topology.lifecycle;

import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.emit.Commands;
import dev.orchestrator.topology.ledger.UnitChange;
import dev.orchestrator.topology.ledger.UnitState;
import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.model.Migration;
import dev.orchestrator.topology.model.Placement;
import dev.orchestrator.topology.routing.RouteMessage;
import dev.orchestrator.topology.task.EngineTask;
import java.util.ArrayList;
import java.util.List;

/**
 * The end of an allocation that holds capacity (released, expired, failed after running): its unit
 * and any migration target are freed, the executor is told to deprovision, the consumer is billed for
 * the time it ran, and the ending is written as the allocation's last change.
 */
public final class Endings {

    private final EngineTask task;

    public Endings(final EngineTask task) {
        this.task = task;
    }

    /** Ends {@code allocation} with {@code status}; {@code releasedBy} names the RELEASE demand, if one asked. */
    public Allocation end(final Allocation allocation, final Allocation.Status status, final String action,
                          final ReasonCode reason, final String detail, final String releasedBy) {
        return end(allocation, status, action, reason, detail, releasedBy, true);
    }

    /** As above; without {@code deprovision} when the executor already reported the resources gone (FAILED). */
    public Allocation end(final Allocation allocation, final Allocation.Status status, final String action,
                          final ReasonCode reason, final String detail, final String releasedBy, final boolean deprovision) {
        final long now = task.now();
        final Placement placement = allocation.placement();
        final List<UnitChange> changes = new ArrayList<>();
        final UnitState unit = task.slice().get(placement.unitId());
        if (unit != null) {
            final UnitChange released = task.slice().release(unit, allocation.demandId(), "RELEASED");
            if (released != null) {
                changes.add(released);
                if (deprovision) {
                    deprovision(allocation, unit, now);
                }
            }
        }
        cancelMigration(allocation, changes, now);
        final long spent = placement.spentUntil(now);
        task.usage(allocation.consumerId()).release(allocation.request().capacity(), placement.costMicros());
        task.usage(allocation.consumerId()).spent(spent, now, now, task.terms(allocation.consumerId()).budgetPeriodMillis());
        return task.log().write(allocation, allocation.edit().status(status).migration(null)
                .reason(reason == ReasonCode.NONE ? "" : reason.name(), detail).releasedBy(releasedBy).ended(spent, now),
                action, changes);
    }

    /**
     * A migration under way ends with its allocation (or its failed placement): its target is freed,
     * here or on the task that hosts it, and the provider's slot handed back. The target's release is
     * added to {@code changes}, which the caller's record audits.
     */
    public void cancelMigration(final Allocation allocation, final List<UnitChange> changes, final long now) {
        final Migration migration = allocation.migration();
        if (migration == null) {
            return;
        }
        if (migration.targetPartition() == task.self()) {
            final UnitState target = task.slice().get(migration.targetUnit());
            final UnitChange released = target == null ? null
                    : task.slice().release(target, allocation.demandId(), "RELEASED");
            if (released != null) {
                changes.add(released);
                deprovision(allocation, target, now);
            }
        } else {
            task.router().send(migration.targetPartition(), allocation.demandId(),
                    new RouteMessage.HostRelease(allocation.demandId(), migration.targetUnit(), "ENDED"));
        }
        task.router().toOwner(migration.slotProvider(), new RouteMessage.MigrationDone(migration.slotProvider(),
                allocation.demandId()));
    }

    private void deprovision(final Allocation allocation, final UnitState unit, final long now) {
        task.out().command(Commands.of(CommandType.DEPROVISION, allocation.demandId() + ":deprovision:" + unit.unitId(),
                allocation.demandId(), allocation.consumerId(), unit.spec(), allocation.request().capacity(), null,
                task.out().money(allocation.placement().pricePerHourMicros()), 0, now, java.util.Map.of()));
    }
}
