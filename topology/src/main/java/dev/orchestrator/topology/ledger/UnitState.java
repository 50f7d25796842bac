package dev.orchestrator.topology.ledger;

import dev.orchestrator.topology.pricing.PriceCurve;
import dev.orchestrator.avro.DataUnitState;
import dev.orchestrator.topology.lifecycle.OperatorState;
import dev.orchestrator.topology.lifecycle.UnitLifecycle;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.UnitFacts;
import dev.orchestrator.topology.model.UnitKind;
import dev.orchestrator.topology.model.UnitSpec;
import dev.orchestrator.topology.read.CapacityRead;
import dev.orchestrator.topology.read.HeldRead;
import dev.orchestrator.topology.read.UnitRead;
import dev.orchestrator.topology.telemetry.Health;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One unit of this task, exactly as the ledger holds it: spec, lifecycle, health, what it holds and
 * for whom. Only the task's stream thread changes it ({@link Slice}); the read API sees the immutable
 * {@link #read()} published after every change and the concurrent map of holds.
 */
public final class UnitState implements UnitFacts {
    private UnitSpec spec;
    private OperatorState operatorState;
    private Health health;
    private long sequence;
    private Capacity used = Capacity.ZERO;
    private Capacity free;
    private int confirmed;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    /** The heartbeat the stored header holds, which may trail {@link #health}. */
    private long storedHeartbeat;
    /** Whether the stored header is behind: spec, lifecycle state or health changed since it was written. */
    private boolean headerDirty;
    private volatile UnitRead read;
    /** How the price moves with utilization and reliability; null: the list price, always. */
    private final PriceCurve pricing;
    /** Providers' standings, shared by the slice; null: every provider in good standing. */
    private final Standings standings;

    UnitState(final UnitSpec spec, final OperatorState operatorState, final Health health, final long sequence,
              final PriceCurve pricing, final Standings standings) {
        this.pricing = pricing;
        this.standings = standings;
        this.spec = spec;
        this.operatorState = operatorState;
        this.health = health;
        this.sequence = sequence;
        this.free = spec.capacity();
        this.storedHeartbeat = health.lastHeartbeat();
        publish();
    }

    @Override
    public String unitId() {
        return spec.unitId();
    }

    @Override
    public String providerId() {
        return spec.providerId();
    }

    @Override
    public UnitKind kind() {
        return spec.kind();
    }

    @Override
    public String region() {
        return spec.region();
    }

    @Override
    public Capacity capacity() {
        return spec.capacity();
    }

    @Override
    public Capacity free() {
        return free;
    }

    @Override
    public long pricePerHourMicros() {
        if (pricing == null) {
            return spec.pricePerHourMicros();
        }
        // the unit's own utilization (its dominant dimension); its reliability: its measured availability times
        // what its provider's recent SLA breaches left of its provider's
        final long utilization = (long) Math.floor(Math.max(0, Math.min(1, used.utilizationOf(spec.capacity())))
                * PriceCurve.ONE);
        final long providerReliability = standings == null ? PriceCurve.ONE : standings.reliability(spec.providerId());
        final long reliability = (long) Math.floor(Math.max(0, Math.min(1, health.availability())) * providerReliability);
        return pricing.price(spec.pricePerHourMicros(), utilization, reliability, spec.priceFloorMicros(),
                spec.priceCapMicros());
    }

    /** Why this unit's provider may take no new placements, or null when it may. */
    public String providerIneligible() {
        return standings == null ? null : standings.ineligible(spec.providerId());
    }

    @Override
    public boolean eligible() {
        return providerIneligible() == null;
    }

    @Override
    public boolean allocatable() {
        return UnitLifecycle.acceptsPlacements(operatorState) && health.healthy();
    }

    @Override
    public double latencyMillis() {
        return health.ewmaLatencyMillis();
    }

    @Override
    public double availability() {
        return health.availability();
    }

    public UnitSpec spec() {
        return spec;
    }

    public OperatorState operatorState() {
        return operatorState;
    }

    public Health health() {
        return health;
    }

    public long sequence() {
        return sequence;
    }

    public Capacity used() {
        return used;
    }

    public DataUnitState visibleState() {
        return UnitLifecycle.visible(operatorState, confirmed > 0, !held.isEmpty());
    }

    public Held held(final String allocationId) {
        return held.get(allocationId);
    }

    /** Everything held here, copied so the caller may change the unit while it walks them. */
    public List<Held> holds() {
        return new ArrayList<>(held.values());
    }

    public boolean holdsAnything() {
        return !held.isEmpty();
    }

    public long storedHeartbeat() {
        return storedHeartbeat;
    }

    /** The unit as the read API shows it, consistent as of the last change. */
    public UnitRead read() {
        return read;
    }

    /** The holds as the read API shows them; safe to call from any thread. */
    public List<HeldRead> heldReads() {
        final Collection<Held> now = held.values();
        final List<HeldRead> out = new ArrayList<>(now.size());
        for (final Held h : now) {
            out.add(new HeldRead(h.allocationId(), h.consumerId(), CapacityRead.of(h.capacity()), h.role().name(),
                    h.confirmed(), h.hasSla(), !h.hasSla() || health.meets(h.slaMaxLatencyMillis(), h.slaMinAvailability())));
        }
        return out;
    }

    UnitHeader header() {
        return new UnitHeader(spec, operatorState, health, sequence);
    }

    void spec(final UnitSpec next) {
        spec = next;
        free = next.capacity().minus(used);
        headerDirty = true;
    }

    void operatorState(final OperatorState next) {
        headerDirty |= next != operatorState;
        operatorState = next;
    }

    void health(final Health next) {
        headerDirty |= next.healthy() != health.healthy();
        health = next;
    }

    void stored(final long heartbeat) {
        storedHeartbeat = heartbeat;
        headerDirty = false;
    }

    boolean headerDirty() {
        return headerDirty;
    }

    void markDirty() {
        headerDirty = true;
    }

    long nextSequence() {
        return ++sequence;
    }

    void atLeast(final long seen) {
        sequence = Math.max(sequence, seen);
    }

    void put(final Held next) {
        final Held before = held.put(next.allocationId(), next);
        if (before == null) {
            used = used.plus(next.capacity());
        } else if (before.confirmed()) {
            confirmed--;
        }
        if (next.confirmed()) {
            confirmed++;
        }
        free = spec.capacity().minus(used);
    }

    Held remove(final String allocationId) {
        final Held before = held.remove(allocationId);
        if (before != null) {
            used = used.minus(before.capacity());
            confirmed -= before.confirmed() ? 1 : 0;
            free = spec.capacity().minus(used);
        }
        return before;
    }

    void publish() {
        read = new UnitRead(spec.unitId(), spec.providerId(), spec.kind().name(), spec.region(), spec.pool(),
                visibleState().name(), health.healthy(), allocatable(), CapacityRead.of(spec.capacity()),
                CapacityRead.of(used), CapacityRead.of(free), pricePerHourMicros(), health.ewmaLatencyMillis(),
                health.availability(), health.lastHeartbeat(), held.size());
    }
}
