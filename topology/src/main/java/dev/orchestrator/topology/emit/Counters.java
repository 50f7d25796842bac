package dev.orchestrator.topology.emit;

import dev.orchestrator.avro.MetricEvent;
import dev.orchestrator.avro.MetricType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts events between metric flushes, so the metrics topic gets one record per counter and
 * interval rather than one per decision.
 */
public final class Counters {
    private final Map<String, Map<String, String>> labelsByKey = new TreeMap<>();
    private final Map<String, Long> counts = new TreeMap<>();
    private final Map<String, String> nameByKey = new TreeMap<>();

    public void increment(final String name, final Map<String, String> labels) {
        add(name, labels, 1);
    }

    public void add(final String name, final Map<String, String> labels, final long amount) {
        final String key = name + labels;
        counts.merge(key, amount, Long::sum);
        labelsByKey.putIfAbsent(key, Map.copyOf(labels));
        nameByKey.putIfAbsent(key, name);
    }

    /** The counts since the last drain as COUNTER events, and a fresh start. */
    public List<MetricEvent> drain(final long now) {
        final List<MetricEvent> events = new ArrayList<>();
        counts.forEach((key, count) -> events.add(MetricEvent.newBuilder().setName(nameByKey.get(key))
                .setType(MetricType.COUNTER).setValue(count).setLabels(labelsByKey.get(key))
                .setAt(Instant.ofEpochMilli(now)).build()));
        counts.clear();
        return events;
    }
}
