package dev.orchestrator.topology.lifecycle;

import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.DataUnitEventType;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.emit.UnitAudits;
import dev.orchestrator.topology.ledger.UnitChange;
import dev.orchestrator.topology.ledger.UnitState;
import dev.orchestrator.topology.migration.Migrations;
import dev.orchestrator.topology.model.UnitSpec;
import dev.orchestrator.topology.normalize.InvalidInputException;
import dev.orchestrator.topology.normalize.Refused;
import dev.orchestrator.topology.task.EngineTask;
import dev.orchestrator.topology.telemetry.DeadlineQueue;
import dev.orchestrator.topology.telemetry.Health;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provider's events about its units, on the task that owns them: registration, spec updates and
 * lifecycle changes by the state machine; a unit going to maintenance or decommissioning has its
 * allocations moved. Each change is audited and stored in the unit's header; a change the state
 * machine refuses is audited as refused and dead-lettered with the reason.
 */
public final class UnitEvents {
    private static final Logger LOG = LoggerFactory.getLogger(UnitEvents.class);

    private final EngineTask task;
    private final Migrations migrations;

    public UnitEvents(final EngineTask task, final Migrations migrations) {
        this.task = task;
        this.migrations = migrations;
    }

    /** Applies {@code event}; a refusal comes back as an exception naming the field, for a dead letter. */
    public void onEvent(final String key, final DataUnitEvent event, final String cause) {
        if (!event.getDataUnitId().equals(key)) {
            throw new Refused(ReasonCode.INVALID_INPUT, "key", "the record key must be the dataUnitId");
        }
        final UnitState current = task.slice().get(key);
        if (event.getType() == DataUnitEventType.REGISTER) {
            register(event, current, cause);
        } else {
            changeState(event, current, cause);
        }
    }

    private void register(final DataUnitEvent event, final UnitState current, final String cause) {
        final UnitSpec spec;
        try {
            spec = task.normalizer().unit(event);
        } catch (final InvalidInputException e) {
            throw new Refused(ReasonCode.INVALID_INPUT, e.field(), e.getMessage());
        }
        if (current == null) {
            final long now = task.now();
            final UnitChange created = task.slice().register(spec, Health.initial(now, spec.advertisedLatencyMillis()));
            saved(created, cause);
            task.deadlines().add(now + task.settings().heartbeatLimitMillis(), DeadlineQueue.Kind.HEARTBEAT, spec.unitId());
            LOG.info("unit={} registered provider={} region={} kind={}", spec.unitId(), spec.providerId(), spec.region(),
                    spec.kind());
            return;
        }
        final String refusal = current.operatorState() == OperatorState.DECOMMISSIONED ? "unit is decommissioned"
                : !current.providerId().equals(spec.providerId()) ? "unit belongs to provider " + current.providerId()
                : !spec.capacity().covers(current.used()) ? "new capacity is below what is reserved"
                : spec.kind() != current.kind() ? "a unit cannot change its kind" : "";
        if (!refusal.isEmpty()) {
            refuse(current, "REGISTER", refusal, cause);
            return;
        }
        saved(task.slice().update(current, spec), cause);
    }

    private void changeState(final DataUnitEvent event, final UnitState current, final String cause) {
        if (current == null) {
            throw new Refused(ReasonCode.UNIT_NOT_FOUND, "dataUnitId", "unit " + event.getDataUnitId() + " is not registered");
        }
        if (event.getTargetState() == null) {
            throw new Refused(ReasonCode.INVALID_INPUT, "targetState", "a CHANGE_STATE must name its target state");
        }
        final Transition transition = UnitLifecycle.request(current.operatorState(), event.getTargetState(),
                current.holdsAnything());
        if (!transition.allowed()) {
            refuse(current, String.valueOf(event.getTargetState()), transition.refusal(), cause);
            return;
        }
        if (transition.next() == current.operatorState()) {
            return;
        }
        final String before = current.visibleState().name();
        saved(task.slice().operatorState(current, transition.next()), cause);
        LOG.info("unit={} state {} -> {} reason={}", current.unitId(), before, current.visibleState(), event.getReason());
        migrations.requestMoves(current, transition.next() == OperatorState.MAINTENANCE ? "MAINTENANCE" : "DECOMMISSIONING");
    }

    /** Audited as refused (the unit is unchanged), then dead-lettered with the reason by the caller. */
    private void refuse(final UnitState current, final String target, final String why, final String cause) {
        LOG.info("unit={} transition to {} refused: {}", current.unitId(), target, why);
        saved(task.slice().noted(current, "TRANSITION_REFUSED"), cause + " to " + target + ": " + why);
        throw new Refused(ReasonCode.ILLEGAL_TRANSITION, "targetState", why);
    }

    private void saved(final UnitChange change, final String cause) {
        task.out().audit(UnitAudits.of(change, cause, task.now()));
    }
}
