package dev.orchestrator.app.verify;

import dev.orchestrator.topology.StoreNames;
import dev.orchestrator.topology.ledger.UnitHeader;
import dev.orchestrator.topology.lifecycle.UnitLifecycle;
import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.DemandRecord;
import dev.orchestrator.topology.model.Hosted;
import dev.orchestrator.topology.model.Moved;
import dev.orchestrator.topology.state.EngineStores;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Each unit's state as the engine's own stores hold it, read from their changelogs (the latest value
 * of every key): lifecycle and health from the unit headers, use from the allocation records and
 * hosted migration targets that hold capacity on it, and the unit's audit sequence from the largest
 * any of them records. The replay of the audit must arrive at the same state where it reached the
 * same sequence. Per demand it keeps a few numbers, not the record.
 */
final class LiveUnits {
    /** What one stored record holds on which unit, reduced to what the comparison needs. */
    private record Hold(String unit, Capacity capacity, boolean confirmed, String target, Map<String, Long> sequences) {
    }

    private final Map<String, UnitHeader> headers = new HashMap<>();
    private final Map<String, Hold> holds = new HashMap<>();
    private final Map<String, Hold> hosted = new HashMap<>();

    /** The changelogs {@link #read} reads. */
    static List<String> changelogs(final String applicationId) {
        return java.util.stream.Stream.of(StoreNames.UNITS, StoreNames.DEMANDS, StoreNames.HOSTED)
                .map(store -> StoreNames.changelog(applicationId, store)).toList();
    }

    /** Reads the changelogs of {@code applicationId}; false when it has none (another application, or none yet). */
    @SuppressWarnings("unchecked")
    boolean read(final TopicReader reader, final String applicationId) {
        final Deserializer<Object> headerValues = (Deserializer<Object>) EngineStores.valueSerde(StoreNames.UNITS).deserializer();
        final Deserializer<Object> demandValues = (Deserializer<Object>) EngineStores.valueSerde(StoreNames.DEMANDS).deserializer();
        final Deserializer<Object> hostedValues = (Deserializer<Object>) EngineStores.valueSerde(StoreNames.HOSTED).deserializer();
        if (!reader.exists(StoreNames.changelog(applicationId, StoreNames.UNITS))) {
            return false;
        }
        reader.readAll(StoreNames.changelog(applicationId, StoreNames.UNITS), r -> {
            final Object value = r.value() == null ? null : headerValues.deserialize(r.topic(), r.value());
            put(headers, key(r), value instanceof UnitHeader h ? h : null);
        });
        // a demand id has a record on every task it passed (a stub where it moved on): keyed by partition too
        reader.readAll(StoreNames.changelog(applicationId, StoreNames.DEMANDS), r -> put(holds, r.partition() + "/" + key(r),
                r.value() == null ? null : hold((DemandRecord) demandValues.deserialize(r.topic(), r.value()), r.partition())));
        reader.readAll(StoreNames.changelog(applicationId, StoreNames.HOSTED), r -> {
            final Hosted h = r.value() == null ? null : (Hosted) hostedValues.deserialize(r.topic(), r.value());
            put(hosted, r.partition() + "/" + key(r), h == null ? null : new Hold(h.unitId(), h.capacity(), h.confirmed(), null,
                    Map.of(h.unitId(), h.unitSequence())));
        });
        return true;
    }

    /** Every unit's live state and sequence. */
    Map<String, Map.Entry<Long, AuditReplay.UnitState>> states() {
        final Map<String, long[]> used = new HashMap<>();
        final Map<String, Long> sequences = new HashMap<>();
        final Map<String, boolean[]> held = new HashMap<>();
        headers.forEach((unit, header) -> sequences.put(unit, header.auditSequence()));
        for (final Map<String, Hold> source : List.of(holds, hosted)) {
            source.values().forEach(hold -> {
                hold.sequences().forEach((unit, sequence) -> sequences.merge(unit, sequence, Math::max));
                if (hold.unit() != null) {
                    add(used, held, hold.unit(), hold.capacity(), hold.confirmed());
                }
                if (hold.target() != null) {
                    add(used, held, hold.target(), hold.capacity(), false);
                }
            });
        }
        final Map<String, Map.Entry<Long, AuditReplay.UnitState>> out = new HashMap<>();
        headers.forEach((unit, header) -> {
            final long[] u = used.getOrDefault(unit, new long[4]);
            final boolean[] h = held.getOrDefault(unit, new boolean[2]);
            out.put(unit, Map.entry(sequences.get(unit), new AuditReplay.UnitState(
                    UnitLifecycle.visible(header.operatorState(), h[1], h[0]).name(), header.health().healthy(),
                    u[0], u[1], u[2], u[3])));
        });
        return out;
    }

    /** What a demand record holds: on its unit while placed or active, and on a migration target of its own task. */
    private static Hold hold(final DemandRecord record, final int partition) {
        if (record instanceof Moved moved) {
            return new Hold(null, Capacity.ZERO, false, null, moved.unitSequences());
        }
        if (!(record instanceof Allocation a)) {
            return null;
        }
        if (!a.holdsCapacity()) {
            return new Hold(null, Capacity.ZERO, false, null, a.unitSequences());
        }
        final boolean localTarget = a.migration() != null && a.migration().reserved() && a.migration().targetPartition() == partition;
        return new Hold(a.unitId(), a.request().capacity(), a.status() == Allocation.Status.ACTIVE,
                localTarget ? a.migration().targetUnit() : null, a.unitSequences());
    }

    private static void add(final Map<String, long[]> used, final Map<String, boolean[]> held, final String unit,
                            final Capacity capacity, final boolean confirmed) {
        final long[] u = used.computeIfAbsent(unit, x -> new long[4]);
        u[0] += capacity.cpuMillis();
        u[1] += capacity.memoryBytes();
        u[2] += capacity.storageBytes();
        u[3] += capacity.gpuCount();
        final boolean[] h = held.computeIfAbsent(unit, x -> new boolean[2]);
        h[0] = true;
        h[1] |= confirmed;
    }

    private static <V> void put(final Map<String, V> map, final String key, final V value) {
        if (value == null) {
            map.remove(key);
        } else {
            map.put(key, value);
        }
    }

    private static String key(final ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
    }
}
