package dev.orchestrator.topology.ledger;

import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.UnitView;
import java.util.Map;

/** What the ledger publishes and audits about a unit. */
public final class UnitViews {
    private UnitViews() {
    }

    public static UnitView view(final UnitRecord unit) {
        return new UnitView(unit.spec().unitId(), unit.spec().providerId(), unit.spec().kind(), unit.spec().region(),
                unit.spec().pool(), unit.spec().capacity(), unit.free(), unit.spec().pricePerHourMicros(),
                unit.visibleState().name(), unit.allocatable(), unit.health().ewmaLatencyMillis(),
                unit.health().availability(), unit.reservations().size(), unit.auditSequence());
    }

    /** The audit snapshot: the state a replay must rebuild, without internals like probe bits. */
    public static Map<String, Object> snapshot(final UnitRecord unit) {
        final Capacity used = unit.used();
        return Map.of("state", unit.visibleState().name(), "healthy", unit.health().healthy(),
                "capacity", unit.spec().capacity(), "used", used, "allocations", unit.reservations().keySet(),
                "provider", unit.spec().providerId(), "region", unit.spec().region());
    }
}
