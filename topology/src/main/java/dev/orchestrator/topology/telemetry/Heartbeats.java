package dev.orchestrator.topology.telemetry;

import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.payments.LedgerInput;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.avro.Telemetry;
import dev.orchestrator.topology.emit.UnitAudits;
import dev.orchestrator.topology.ledger.CapacityLedger;
import dev.orchestrator.topology.ledger.Held;
import dev.orchestrator.topology.ledger.UnitChange;
import dev.orchestrator.topology.ledger.UnitState;
import dev.orchestrator.topology.migration.Migrations;
import dev.orchestrator.topology.normalize.InvalidInputException;
import dev.orchestrator.topology.normalize.Refused;
import dev.orchestrator.topology.task.EngineTask;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 7, watch: heartbeats and their absence. Health and smoothed latency live in memory; only a
 * change that flips what a filter decides (healthy or not, an SLA met or breached) is persisted,
 * audited and acted on (the unit's allocations move). A heartbeat that flips nothing is written
 * behind: the stored header is refreshed once it is half the heartbeat limit old, so a restarted
 * task never judges a live unit silent. Silence is judged from a deadline per unit, by the input clock.
 */
public final class Heartbeats {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);

    private final EngineTask task;
    private final Migrations migrations;

    public Heartbeats(final EngineTask task, final Migrations migrations) {
        this.task = task;
        this.migrations = migrations;
    }

    public void onTelemetry(final String unitId, final Telemetry telemetry, final String cause) {
        final UnitState unit = task.slice().get(unitId);
        if (unit == null) {
            throw new Refused(ReasonCode.UNIT_NOT_FOUND, "dataUnitId", "unit " + unitId + " is not registered");
        }
        try {
            task.normalizer().telemetry(telemetry, unitId, unit.spec());
        } catch (final InvalidInputException e) {
            throw new Refused(ReasonCode.INVALID_INPUT, e.field(), e.getMessage());
        }
        final long now = task.now();
        final Health health = unit.health().observe(Math.min(now, telemetry.getObservedAt().toEpochMilli()),
                telemetry.getLatencyMillis(), telemetry.getAvailable())
                .judged(task.clock().at(now), task.settings().heartbeatLimitMillis());
        final boolean wasHealthy = unit.health().healthy();
        final List<Held> breachedBefore = CapacityLedger.toMigrate(unit);
        final UnitChange flipped = task.slice().health(unit, health, "HEALTH_CHANGED");
        if (flipped != null) {
            saved(flipped, cause);
            if (!wasHealthy) {
                task.deadlines().add(health.lastHeartbeat() + task.settings().heartbeatLimitMillis(),
                        DeadlineQueue.Kind.HEARTBEAT, unitId);
            }
            migrations.requestMoves(unit, "HEARTBEAT_MISSED");
            return;
        }
        if (CapacityLedger.toMigrate(unit).size() > breachedBefore.size()) {
            saved(task.slice().noted(unit, "SLA_BREACHED"), cause);
            charge(unit, breachedBefore, now);
            migrations.requestMoves(unit, "SLA_BREACH");
        } else if (health.lastHeartbeat() - unit.storedHeartbeat() >= task.settings().heartbeatLimitMillis() / 2) {
            task.slice().markDirty(unit);
        }
    }

    /** A unit's heartbeat deadline came: unhealthy when silent too long, else the next deadline is filed. */
    public void onDeadline(final String unitId, final long now) {
        final UnitState unit = task.slice().get(unitId);
        if (unit == null || !unit.health().healthy()) {
            return;
        }
        final long limit = task.settings().heartbeatLimitMillis();
        final Health judged = unit.health().judged(now, limit);
        if (judged.healthy()) {
            task.deadlines().add(unit.health().lastHeartbeat() + limit, DeadlineQueue.Kind.HEARTBEAT, unitId);
            return;
        }
        LOG.info("unit={} unhealthy: heartbeat missed lastHeartbeat={}", unitId, Instant.ofEpochMilli(judged.lastHeartbeat()));
        saved(task.slice().health(unit, judged, "HEALTH_CHANGED"), "clock");
        migrations.requestMoves(unit, "HEARTBEAT_MISSED");
    }

    /** Tells the escrow ledger of each allocation here whose SLA this unit just broke, with its penalty terms. */
    private void charge(final UnitState unit, final List<Held> breachedBefore, final long now) {
        if (!task.out().payments()) {
            return;
        }
        for (final Held held : CapacityLedger.toMigrate(unit)) {
            if (held.role() != Held.Role.OWNED || breachedBefore.contains(held)
                    || !(task.log().get(held.allocationId()) instanceof Allocation allocation)
                    || allocation.request() == null || allocation.request().slaId().isEmpty()) {
                continue;
            }
            task.sla(allocation.request().slaId()).ifPresent(sla -> task.out().ledger(new LedgerInput.Breach(
                    held.allocationId(), unit.unitId(), sla.windowMillis(), sla.penaltyPercent(), now)));
        }
    }

    private void saved(final UnitChange change, final String cause) {
        task.out().audit(UnitAudits.of(change, cause, task.now()));
    }
}
