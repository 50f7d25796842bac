package dev.orchestrator.topology.ledger;

import dev.orchestrator.avro.DataUnitState;
import dev.orchestrator.topology.lifecycle.OperatorState;
import dev.orchestrator.topology.lifecycle.UnitLifecycle;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.UnitSpec;
import dev.orchestrator.topology.scoring.UnitIndex;
import dev.orchestrator.topology.telemetry.Health;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The units one task owns (those whose id hashes to its partition): the single writer of their
 * capacity, lifecycle and health. Every change that the audit shows (state, health, use) takes the
 * unit's next sequence number and comes back as a {@link UnitChange}; the index scoring reads is
 * updated in the same step, so a placement always sees exactly what is free.
 */
public final class Slice {
    private final Map<String, UnitState> units = new ConcurrentHashMap<>();
    private final UnitIndex index = new UnitIndex();
    /** How unit prices move; null: list prices. */
    private dev.orchestrator.topology.pricing.PriceCurve pricing;
    /** Providers' standings as the escrow ledger told them, which unit prices and eligibility follow. */
    private final Standings standings = new Standings();
    /** Units changed since the last {@link #takeDirty()}, some of whose headers may be behind. */
    private final java.util.Set<UnitState> dirty = new java.util.LinkedHashSet<>();
    /** Changes that may have made room (anything but a unit taking more): what wakes waiting demands. */
    private long freeingChanges;

    public UnitState get(final String unitId) {
        return units.get(unitId);
    }

    /** Every unit of this task; safe to walk from any thread (the read API does). */
    public Collection<UnitState> units() {
        return Collections.unmodifiableCollection(units.values());
    }

    public UnitIndex index() {
        return index;
    }

    /** How many changes so far may have made room: a unit registered, changed, freed, or back in service. */
    public long freeingChanges() {
        return freeingChanges;
    }

    /** Prices of the units registered or read back from now on follow {@code curve} (null: list prices). */
    public void pricing(final dev.orchestrator.topology.pricing.PriceCurve curve) {
        this.pricing = curve;
    }

    /** The providers' standings this slice's units follow. */
    public Standings standings() {
        return standings;
    }

    /** A unit as its stored header says, while the task starts: reservations are added back after. */
    public void restore(final UnitHeader header) {
        final UnitState unit = new UnitState(header.spec(), header.operatorState(), header.health(), header.auditSequence(),
                pricing, standings);
        units.put(unit.unitId(), unit);
        index.update(unit);
    }

    /** While the task starts: an allocation record shows {@code held} on {@code unitId} as of sequence {@code seen}. */
    public void restoreHeld(final String unitId, final Held held) {
        final UnitState unit = units.get(unitId);
        if (unit != null) {
            unit.put(held);
        }
    }

    /** While the task starts: some record shows the unit had reached sequence {@code seen}. */
    public void restoreSequence(final String unitId, final long seen) {
        final UnitState unit = units.get(unitId);
        if (unit != null) {
            unit.atLeast(seen);
        }
    }

    /** Once every record is read back: the index and the read copies reflect the restored holds. */
    public void restored() {
        units.values().forEach(unit -> {
            unit.publish();
            index.update(unit);
        });
    }

    public UnitChange register(final UnitSpec spec, final Health health) {
        final UnitState unit = new UnitState(spec, OperatorState.ACTIVE, health, 0, pricing, standings);
        units.put(spec.unitId(), unit);
        return change(unit, "REGISTERED", DataUnitState.AVAILABLE, true, Capacity.ZERO, true);
    }

    public UnitChange update(final UnitState unit, final UnitSpec spec) {
        return changed(unit, "UPDATED", () -> unit.spec(spec));
    }

    public UnitChange operatorState(final UnitState unit, final OperatorState next) {
        return changed(unit, "STATE_CHANGED", () -> unit.operatorState(next));
    }

    /** A health change is audited when it flips healthy; otherwise it is kept without a sequence. */
    public UnitChange health(final UnitState unit, final Health next, final String action) {
        if (next.healthy() == unit.health().healthy()) {
            unit.health(next);
            unit.publish();
            return null;
        }
        return changed(unit, action, () -> unit.health(next));
    }

    /** Holds capacity for an allocation; the caller has checked it fits ({@link CapacityLedger#fits}). */
    public UnitChange reserve(final UnitState unit, final Held held, final String action) {
        return changed(unit, action, () -> unit.put(held));
    }

    /** An executor provisioned what {@code allocationId} holds: audited when the unit's state shows it (IN_USE). */
    public UnitChange confirm(final UnitState unit, final String allocationId) {
        final Held held = unit.held(allocationId);
        if (held == null || held.confirmed()) {
            return null;
        }
        final DataUnitState before = unit.visibleState();
        if (UnitLifecycle.visible(unit.operatorState(), true, true) == before) {
            unit.put(held.confirmedNow());
            unit.publish();
            return null;
        }
        return changed(unit, "CONFIRMED", () -> unit.put(held.confirmedNow()));
    }

    /** An audited change that changes nothing but is worth a record (a refused transition, an SLA breach). */
    public UnitChange noted(final UnitState unit, final String action) {
        // no allocation record keeps this sequence: the header does
        return changed(unit, action, unit::markDirty);
    }

    /** Changes what is held without an audited change (a hold passing from migration target to owned). */
    public void rehold(final UnitState unit, final Held held) {
        if (unit.held(held.allocationId()) != null) {
            unit.put(held);
            unit.publish();
        }
    }

    /** Frees what {@code allocationId} holds; a decommissioning unit is decommissioned once empty. Null when nothing was held. */
    public UnitChange release(final UnitState unit, final String allocationId, final String action) {
        if (unit.held(allocationId) == null) {
            return null;
        }
        return changed(unit, action, () -> {
            unit.remove(allocationId);
            unit.operatorState(UnitLifecycle.afterRelease(unit.operatorState(), unit.holdsAnything()));
        });
    }

    /** The header to store after a change, with the heartbeat it records. */
    public UnitHeader stored(final UnitState unit) {
        unit.stored(unit.health().lastHeartbeat());
        return unit.header();
    }

    /**
     * The header of {@code unit} is to be written even though nothing it stores changed: its audit
     * sequence moved where no allocation record keeps it (a hosted target freed), or a heartbeat is
     * to be written behind.
     */
    public void markDirty(final UnitState unit) {
        unit.markDirty();
        dirty.add(unit);
    }

    /** Units whose stored header is behind, since the last call: the caller writes them in this transaction. */
    public java.util.List<UnitState> takeDirty() {
        if (dirty.isEmpty()) {
            return java.util.List.of();
        }
        final java.util.List<UnitState> out = new java.util.ArrayList<>(dirty);
        dirty.clear();
        out.removeIf(unit -> !unit.headerDirty());
        return out;
    }

    private UnitChange changed(final UnitState unit, final String action, final Runnable mutation) {
        final DataUnitState stateBefore = unit.visibleState();
        final boolean healthyBefore = unit.health().healthy();
        final Capacity usedBefore = unit.used();
        mutation.run();
        return change(unit, action, stateBefore, healthyBefore, usedBefore, false);
    }

    private UnitChange change(final UnitState unit, final String action, final DataUnitState stateBefore,
                              final boolean healthyBefore, final Capacity usedBefore, final boolean created) {
        final long sequence = unit.nextSequence();
        final Capacity used = unit.used();
        if (created || "UPDATED".equals(action) || stateBefore != unit.visibleState() || healthyBefore != unit.health().healthy()
                || used.cpuMillis() < usedBefore.cpuMillis() || used.memoryBytes() < usedBefore.memoryBytes()
                || used.storageBytes() < usedBefore.storageBytes() || used.gpuCount() < usedBefore.gpuCount()) {
            freeingChanges++;
        }
        if (created) {
            unit.markDirty();
        }
        if (unit.headerDirty()) {
            dirty.add(unit);
        }
        unit.publish();
        index.update(unit);
        return new UnitChange(unit.unitId(), sequence, action, stateBefore, healthyBefore, unit.visibleState(),
                unit.health().healthy(), usedBefore, unit.used(), unit.capacity(), unit.providerId(), unit.region(), created);
    }
}
