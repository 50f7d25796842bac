package dev.orchestrator.topology.lifecycle;

import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.decide.Placements;
import dev.orchestrator.topology.emit.Commands;
import dev.orchestrator.topology.ledger.UnitChange;
import dev.orchestrator.topology.ledger.UnitState;
import dev.orchestrator.topology.migration.HostedTargets;
import dev.orchestrator.topology.migration.Migrations;
import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.model.Hosted;
import dev.orchestrator.topology.normalize.Refused;
import dev.orchestrator.topology.routing.Journey;
import dev.orchestrator.topology.routing.RouteMessage.UnitOutcome;
import dev.orchestrator.topology.task.EngineTask;
import dev.orchestrator.topology.telemetry.DeadlineQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 6 as the engine sees it: an executor's outcome, on the task that owns its unit. PROVISIONED
 * makes an allocation ACTIVE (its unit IN_USE); FAILED before that places it again elsewhere, at most
 * {@code maxAttempts} times, then rejects it EXECUTION_FAILED; outcomes of migration targets go to
 * the migrations; something provisioned for an allocation the unit no longer holds is deprovisioned.
 */
public final class Outcomes {
    private static final Logger LOG = LoggerFactory.getLogger(Outcomes.class);

    private final EngineTask task;
    private final Placements placements;
    private final Endings endings;
    private final Migrations migrations;
    private final HostedTargets hostedTargets;

    public Outcomes(final EngineTask task, final Placements placements, final Endings endings, final Migrations migrations,
                    final HostedTargets hostedTargets) {
        this.task = task;
        this.placements = placements;
        this.endings = endings;
        this.migrations = migrations;
        this.hostedTargets = hostedTargets;
    }

    /** Applies {@code outcome}, or refuses it for a dead letter. */
    public void onOutcome(final UnitOutcome outcome) {
        final UnitState unit = task.slice().get(outcome.unitId());
        if (unit == null) {
            throw new Refused(ReasonCode.UNIT_NOT_FOUND, "dataUnitId", "outcome of command " + outcome.commandId()
                    + " names unit " + outcome.unitId() + ", which is not registered");
        }
        if ("DEPROVISIONED".equals(outcome.status())) {
            return;
        }
        final Hosted hosted = task.stores().hosted().get(outcome.allocationId());
        if (hosted != null && hosted.unitId().equals(unit.unitId()) && hosted.commandId().equals(outcome.commandId())) {
            hostedTargets.onHostedOutcome(hosted, outcome);
            return;
        }
        if (task.log().get(outcome.allocationId()) instanceof Allocation allocation) {
            if (migrations.isLocalTarget(allocation, outcome)) {
                migrations.onLocalTargetOutcome(allocation, outcome);
                return;
            }
            if (allocation.holdsCapacity() && allocation.unitId().equals(unit.unitId())) {
                if (!allocation.placement().commandId().equals(outcome.commandId())) {
                    // only the command that made the reservation can confirm or fail it
                    throw new Refused(ReasonCode.INVALID_INPUT, "commandId", "command " + outcome.commandId()
                            + " is not the one that made allocation " + outcome.allocationId() + "'s reservation on unit "
                            + unit.unitId() + " (" + allocation.placement().commandId() + " did)");
                }
                applied(allocation, unit, outcome);
                return;
            }
        }
        if ("PROVISIONED".equals(outcome.status()) || "MIGRATED".equals(outcome.status())) {
            // a job run again after its demand went elsewhere, or an outcome after the reservation lapsed
            task.out().command(Commands.orphan(unit.spec(), outcome.commandId(), outcome.allocationId(), task.now()));
            LOG.info("orphan resources allocation={} unit={} command={}: deprovisioning", outcome.allocationId(),
                    unit.unitId(), outcome.commandId());
        }
    }

    private void applied(final Allocation allocation, final UnitState unit, final UnitOutcome outcome) {
        final boolean placed = allocation.status() == Allocation.Status.PLACED;
        if ("FAILED".equals(outcome.status())) {
            if (placed) {
                replace(allocation, unit, outcome.error());
            } else {
                endings.end(allocation, Allocation.Status.EXPIRED, "FAILED", ReasonCode.EXECUTION_FAILED,
                        String.valueOf(outcome.error()), "", false);
            }
            return;
        }
        if (!placed) {
            return;
        }
        final UnitChange confirmed = task.slice().confirm(unit, allocation.demandId());
        final Allocation active = task.log().write(allocation, allocation.edit().status(Allocation.Status.ACTIVE)
                .placement(allocation.placement().confirmed(task.now(), allocation.request().durationMillis()))
                .endpoint(outcome.endpoint()), "ACTIVE", confirmed == null ? List.of() : List.of(confirmed));
        task.deadlines().add(active.placement().endsAt(), DeadlineQueue.Kind.END, active.demandId());
    }

    /**
     * Provisioning failed before the allocation ever ran: its unit is freed and the demand placed again
     * on another, up to {@code maxAttempts} failed placements, then rejected EXECUTION_FAILED.
     */
    private void replace(final Allocation allocation, final UnitState unit, final String error) {
        final List<UnitChange> changes = new ArrayList<>();
        final UnitChange released = task.slice().release(unit, allocation.demandId(), "EXECUTION_FAILED");
        if (released != null) {
            changes.add(released);
        }
        // a move under way is moot: the allocation never ran where it was moving from
        endings.cancelMigration(allocation, changes, task.now());
        task.usage(allocation.consumerId()).release(allocation.request().capacity(), allocation.placement().costMicros());
        task.out().counters().increment("execution_failures_total", Map.of("provider", unit.providerId()));
        final Allocation failed = allocation.edit().status(Allocation.Status.REPLACING).migration(null).tried(unit.unitId())
                .executionFailed().reason("", String.valueOf(error)).build();
        LOG.info("provisioning failed demand={} unit={} failures={}: {}", allocation.demandId(), unit.unitId(),
                failed.executionFailures(), error);
        placements.replace(failed, Journey.arrivedOn(allocation.arrival()).pointingTo(task.self()), allocation, changes);
    }
}
