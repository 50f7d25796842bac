package dev.orchestrator.topology.emit;

import dev.orchestrator.avro.MetricEvent;
import dev.orchestrator.avro.MetricType;
import dev.orchestrator.topology.ledger.Slice;
import dev.orchestrator.topology.ledger.UnitState;
import dev.orchestrator.topology.model.Capacity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** How full each pool of a task is, on the primary dimension of its kind: gauges for dashboards. */
public final class PoolGauges {
    private PoolGauges() {
    }

    public static List<MetricEvent> of(final Slice slice, final String task, final long now) {
        final Map<String, long[]> pools = new TreeMap<>();
        for (final UnitState unit : slice.units()) {
            final long[] pool = pools.computeIfAbsent(unit.spec().pool(), p -> new long[2]);
            pool[0] = Capacity.saturatedSum(pool[0], unit.kind().primary(unit.used()));
            pool[1] = Capacity.saturatedSum(pool[1], unit.kind().primary(unit.capacity()));
        }
        final List<MetricEvent> events = new ArrayList<>();
        pools.forEach((pool, usage) -> {
            events.add(gauge("pool_used", usage[0], pool, task, now));
            events.add(gauge("pool_capacity", usage[1], pool, task, now));
        });
        return events;
    }

    private static MetricEvent gauge(final String name, final long value, final String pool, final String task,
                                     final long now) {
        return MetricEvent.newBuilder().setName(name).setType(MetricType.GAUGE).setValue(value)
                .setLabels(Map.of("pool", pool, "task", task)).setAt(Instant.ofEpochMilli(now)).build();
    }
}
