package dev.orchestrator.topology.emit;

import dev.orchestrator.avro.AuditEvent;
import dev.orchestrator.avro.DataUnitState;
import dev.orchestrator.avro.EntityType;
import dev.orchestrator.topology.ledger.UnitChange;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.serde.InternalSerde;
import java.util.Map;

/**
 * Audit events of a unit's own changes (registration, spec update, lifecycle, health, a refused
 * transition, holds of migration targets hosted for other tasks) on audit.v1. Their snapshot is
 * what a replay must rebuild: state, health, capacity and use, provider and region.
 */
public final class UnitAudits {
    private UnitAudits() {
    }

    public static AuditEvent of(final UnitChange change, final String cause, final long now) {
        final String before = change.created() ? null : snapshot(change.stateBefore(), change.healthyBefore(),
                change.capacity(), change.usedBefore(), change);
        final String after = snapshot(change.stateAfter(), change.healthyAfter(), change.capacity(), change.usedAfter(), change);
        return Outputs.audit(EntityType.DATA_UNIT, change.unitId(), change.sequence(), change.action(), before, after,
                cause, now);
    }

    private static String snapshot(final DataUnitState state, final boolean healthy, final Capacity capacity,
                                   final Capacity used, final UnitChange change) {
        return InternalSerde.json(Map.of("state", state.name(), "healthy", healthy, "capacity", capacity, "used", used,
                "provider", change.providerId(), "region", change.region()));
    }
}
