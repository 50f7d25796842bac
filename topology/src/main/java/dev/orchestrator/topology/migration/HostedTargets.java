package dev.orchestrator.topology.migration;

import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.admission.LeaseDesk;
import dev.orchestrator.topology.decide.Choices;
import dev.orchestrator.topology.emit.Commands;
import dev.orchestrator.topology.emit.UnitAudits;
import dev.orchestrator.topology.ledger.Held;
import dev.orchestrator.topology.ledger.UnitChange;
import dev.orchestrator.topology.ledger.UnitState;
import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.model.Hosted;
import dev.orchestrator.topology.normalize.Refused;
import dev.orchestrator.topology.routing.RouteMessage;
import dev.orchestrator.topology.scoring.Decision;
import dev.orchestrator.topology.task.EngineTask;
import dev.orchestrator.topology.task.Holds;
import dev.orchestrator.topology.telemetry.DeadlineQueue;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Migration targets this task holds on its units for allocations other tasks own: reserved on the
 * owner's request (the MIGRATE command is issued here, where the unit is), confirmed or failed by the
 * executor, freed when the allocation ends or the target lapses, and turned into an allocation of
 * this task when the owner hands it over. Changes of these units are audited on audit.v1, since the
 * allocation's own records are written by its owner.
 */
public final class HostedTargets {
    private static final Logger LOG = LoggerFactory.getLogger(HostedTargets.class);

    private final EngineTask task;
    private final Choices choices;
    private final LeaseDesk leases;

    public HostedTargets(final EngineTask task, final LeaseDesk leases) {
        this.task = task;
        this.choices = new Choices(task);
        this.leases = leases;
    }

    public void onReserve(final RouteMessage.HostReserve reserve) {
        final String id = reserve.allocationId();
        final Decision decision = choices.best(reserve.request(), task.terms(reserve.request().consumerId()),
                task.sla(reserve.request().slaId()), Set.of(reserve.sourceUnitId()), Long.MAX_VALUE);
        if (decision.chosen().isEmpty()) {
            task.router().send(reserve.owner(), id, new RouteMessage.HostAnswer(id, "", "", "", 0, 0, decision.detail()));
            return;
        }
        final UnitState unit = (UnitState) decision.chosen().get();
        final long now = task.now();
        final long confirmBy = now + task.settings().confirmWithinMillis();
        final UnitChange reserved = task.slice().reserve(unit, new Held(id, reserve.request().consumerId(),
                reserve.request().capacity(), Held.Role.HOSTED, false, reserve.slaMaxLatencyMillis(),
                reserve.slaMinAvailability(), Held.priorityOf(reserve.request().priority())), "RESERVED");
        task.stores().hosted().put(id, new Hosted(id, reserve.request().consumerId(), reserve.owner(), unit.unitId(),
                reserve.request().capacity(), decision.pricePerHourMicros(), reserve.commandId(), reserve.sourceUnitId(),
                now, confirmBy, false, null, reserved.sequence(), reserve.slaMaxLatencyMillis(), reserve.slaMinAvailability()));
        task.out().audit(UnitAudits.of(reserved, "migration/" + id, now));
        task.out().command(Commands.of(CommandType.MIGRATE, reserve.commandId(), id, reserve.request().consumerId(),
                unit.spec(), reserve.request().capacity(), reserve.sourceUnitId(),
                task.out().money(decision.pricePerHourMicros()), confirmBy, now, reserve.request().workload()));
        task.deadlines().add(confirmBy, DeadlineQueue.Kind.HOSTED, id);
        task.router().send(reserve.owner(), id, new RouteMessage.HostAnswer(id, unit.unitId(), unit.providerId(),
                unit.region(), decision.pricePerHourMicros(), confirmBy, ""));
    }

    /**
     * The executor's outcome for a target held here. Once confirmed, the target is the owner's to hand
     * over: a later report on the same command is refused (the allocation's new owner acts on reports
     * once it has it).
     */
    public void onHostedOutcome(final Hosted hosted, final RouteMessage.UnitOutcome outcome) {
        final UnitState unit = task.slice().get(hosted.unitId());
        if (hosted.confirmed()) {
            throw new Refused(ReasonCode.INVALID_INPUT, "status", "the migration target of allocation " + hosted.allocationId()
                    + " on unit " + hosted.unitId() + " was already confirmed by command " + hosted.commandId()
                    + "; it is being handed over");
        }
        if ("FAILED".equals(outcome.status())) {
            free(hosted, "EXECUTION_FAILED", false);
            task.router().send(hosted.owner(), hosted.allocationId(), new RouteMessage.HostFailed(hosted.allocationId(),
                    hosted.unitId(), String.valueOf(outcome.error())));
            return;
        }
        final UnitChange confirmed = task.slice().confirm(unit, hosted.allocationId());
        if (confirmed != null) {
            task.out().audit(UnitAudits.of(confirmed, "command/" + outcome.commandId(), task.now()));
        }
        task.stores().hosted().put(hosted.allocationId(), hosted.confirmed(outcome.endpoint(),
                confirmed == null ? 0 : confirmed.sequence()));
        task.router().send(hosted.owner(), hosted.allocationId(), new RouteMessage.HostConfirmed(hosted.allocationId(),
                hosted.unitId(), outcome.endpoint()));
    }

    /** The owner says the allocation will not move here after all. */
    public void onRelease(final RouteMessage.HostRelease release) {
        final Hosted hosted = task.stores().hosted().get(release.allocationId());
        if (hosted != null) {
            free(hosted, "RELEASED", true);
        }
    }

    /** A target not confirmed in time is freed and its owner told. */
    public void onLapsed(final String allocationId, final long now) {
        final Hosted hosted = task.stores().hosted().get(allocationId);
        if (hosted != null && !hosted.confirmed() && now >= hosted.confirmBy()) {
            free(hosted, "RESERVATION_EXPIRED", true);
            task.router().send(hosted.owner(), allocationId, new RouteMessage.HostFailed(allocationId, hosted.unitId(),
                    "the target was not confirmed in time"));
        }
    }

    /** The owner moved the allocation onto the target held here: it is this task's now. */
    public void onHandover(final RouteMessage.Handover handover, final int from) {
        final Allocation record = handover.record();
        final String id = record.demandId();
        final Hosted hosted = task.stores().hosted().get(id);
        final UnitState unit = task.slice().get(record.unitId());
        if (hosted != null) {
            task.stores().hosted().delete(id);
        }
        if (unit != null && unit.held(id) != null) {
            task.slice().rehold(unit, unit.held(id).as(Held.Role.OWNED).confirmedNow());
        } else if (unit != null) {
            // the target is gone (a defect): the allocation runs there all the same, so it is held, and audited
            LOG.error("handover of allocation={} to unit={} which holds nothing for it", id, record.unitId());
            task.out().audit(UnitAudits.of(task.slice().reserve(unit, Holds.owned(record), "RESERVED"), "handover/" + id,
                    task.now()));
            task.slice().markDirty(unit);
        }
        leases.onHandover(handover, from);
        task.usage(record.consumerId()).hold(record.request().capacity(), record.placement().costMicros());
        task.preemptionBudget().arrived(record.consumerId(), task.now());
        task.log().keep(record.edit().unitSequence(record.unitId(), hosted == null ? 0 : hosted.unitSequence()).build());
        task.deadlines().add(record.placement().endsAt(), DeadlineQueue.Kind.END, id);
        if (record.arrival() != task.self()) {
            task.router().send(record.arrival(), id, new RouteMessage.Repoint(id, record.consumerId(), task.self()));
        }
    }

    private void free(final Hosted hosted, final String action, final boolean deprovision) {
        final UnitState unit = task.slice().get(hosted.unitId());
        task.stores().hosted().delete(hosted.allocationId());
        final UnitChange released = unit == null ? null : task.slice().release(unit, hosted.allocationId(), action);
        if (released == null) {
            return;
        }
        task.out().audit(UnitAudits.of(released, "migration/" + hosted.allocationId(), task.now()));
        // no allocation record here carries this change's sequence: the unit's header does
        task.slice().markDirty(unit);
        if (deprovision) {
            task.out().command(Commands.of(CommandType.DEPROVISION, hosted.allocationId() + ":deprovision:" + unit.unitId(),
                    hosted.allocationId(), hosted.consumerId(), unit.spec(), hosted.capacity(), null,
                    task.out().money(hosted.pricePerHourMicros()), 0, task.now(), java.util.Map.of()));
        }
    }
}
