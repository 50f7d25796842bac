package dev.orchestrator.topology.model;

/** A unit as it would be once {@code taken} more is held on it: what a plan placing several demands at once scores. */
public record TentativeUnit(UnitFacts unit, Capacity taken) implements UnitFacts {
    @Override
    public String unitId() {
        return unit.unitId();
    }

    @Override
    public String providerId() {
        return unit.providerId();
    }

    @Override
    public UnitKind kind() {
        return unit.kind();
    }

    @Override
    public String region() {
        return unit.region();
    }

    @Override
    public Capacity capacity() {
        return unit.capacity();
    }

    @Override
    public Capacity free() {
        final Capacity free = unit.free();
        return free.covers(taken) ? free.minus(taken) : Capacity.ZERO;
    }

    @Override
    public long pricePerHourMicros() {
        return unit.pricePerHourMicros();
    }

    @Override
    public boolean allocatable() {
        return unit.allocatable();
    }

    @Override
    public boolean eligible() {
        return unit.eligible();
    }

    @Override
    public double latencyMillis() {
        return unit.latencyMillis();
    }

    @Override
    public double availability() {
        return unit.availability();
    }
}
