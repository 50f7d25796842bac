package dev.orchestrator.topology.ledger;

import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.DataUnitEventType;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.lifecycle.OperatorState;
import dev.orchestrator.topology.lifecycle.Transition;
import dev.orchestrator.topology.lifecycle.UnitLifecycle;
import dev.orchestrator.topology.model.UnitSpec;
import dev.orchestrator.topology.normalize.InvalidInputException;
import dev.orchestrator.topology.normalize.Normalizer;
import dev.orchestrator.topology.telemetry.Health;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A provider's events about its units: registration, updates of the spec, and lifecycle changes by the state machine. */
final class UnitRegistration {
    private static final Logger LOG = LoggerFactory.getLogger(UnitRegistration.class);

    private final Normalizer normalizer;
    private final UnitStore units;
    private final LedgerOutputs out;

    UnitRegistration(final Normalizer normalizer, final UnitStore units, final LedgerOutputs out) {
        this.normalizer = normalizer;
        this.units = units;
        this.out = out;
    }

    void onUnitEvent(final Record<String, Object> record, final DataUnitEvent event) {
        if (!event.getDataUnitId().equals(record.key())) {
            out.deadLetter(record, ReasonCode.INVALID_INPUT, "key", "the record key must be the dataUnitId");
            return;
        }
        final UnitRecord current = units.get(event.getDataUnitId());
        if (event.getType() == DataUnitEventType.REGISTER) {
            register(record, event, current);
        } else {
            changeState(record, event, current);
        }
    }

    private void register(final Record<String, Object> record, final DataUnitEvent event, final UnitRecord current) {
        final UnitSpec spec;
        try {
            spec = normalizer.unit(event);
        } catch (final InvalidInputException e) {
            out.deadLetter(record, ReasonCode.INVALID_INPUT, e.field(), e.getMessage());
            return;
        }
        if (current == null) {
            final UnitRecord created = new UnitRecord(spec, OperatorState.ACTIVE, Map.of(),
                    Health.initial(out.now(), spec.advertisedLatencyMillis()), 0);
            out.save(null, created, "REGISTERED", LedgerOutputs.cause(record));
            LOG.info("unit={} registered provider={} region={} kind={}", spec.unitId(), spec.providerId(), spec.region(),
                    spec.kind());
            return;
        }
        final String refusal = current.operatorState() == OperatorState.DECOMMISSIONED ? "unit is decommissioned"
                : !current.spec().providerId().equals(spec.providerId()) ? "unit belongs to provider " + current.spec().providerId()
                : !spec.capacity().covers(current.used()) ? "new capacity is below what is reserved"
                : spec.kind() != current.spec().kind() ? "a unit cannot change its kind" : "";
        if (!refusal.isEmpty()) {
            out.refuse(record, current, "REGISTER", refusal);
            return;
        }
        out.save(current, current.withSpec(spec), "UPDATED", LedgerOutputs.cause(record));
    }

    private void changeState(final Record<String, Object> record, final DataUnitEvent event, final UnitRecord current) {
        if (current == null) {
            out.deadLetter(record, ReasonCode.UNIT_NOT_FOUND, "dataUnitId", "unit " + event.getDataUnitId() + " is not registered");
            return;
        }
        if (event.getTargetState() == null) {
            out.deadLetter(record, ReasonCode.INVALID_INPUT, "targetState", "a CHANGE_STATE must name its target state");
            return;
        }
        final Transition transition = UnitLifecycle.request(current.operatorState(), event.getTargetState(),
                !current.reservations().isEmpty());
        if (!transition.allowed()) {
            out.refuse(record, current, String.valueOf(event.getTargetState()), transition.refusal());
            return;
        }
        if (transition.next() == current.operatorState()) {
            return;
        }
        UnitRecord next = current.withState(transition.next());
        LOG.info("unit={} state {} -> {} reason={}", current.spec().unitId(), current.visibleState(), next.visibleState(),
                event.getReason());
        next = out.sendAway(next, transition.next() == OperatorState.MAINTENANCE ? "MAINTENANCE" : "DECOMMISSIONING");
        out.save(current, next, "STATE_CHANGED", LedgerOutputs.cause(record));
    }
}
