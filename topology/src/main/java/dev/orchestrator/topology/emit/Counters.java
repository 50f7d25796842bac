package dev.orchestrator.topology.emit;

import dev.orchestrator.avro.MetricEvent;
import dev.orchestrator.avro.MetricType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Counts events between metric flushes, so the metrics topic gets one record per counter and
 * interval rather than one per decision.
 */
public final class Counters {
    private final Map<String, Map<String, String>> labelsByKey = new TreeMap<>();
    private final Map<String, Long> counts = new TreeMap<>();
    private final Map<String, String> nameByKey = new TreeMap<>();

    public void increment(final String name, final Map<String, String> labels) {
        final String key = name + labels;
        counts.merge(key, 1L, Long::sum);
        labelsByKey.putIfAbsent(key, Map.copyOf(labels));
        nameByKey.putIfAbsent(key, name);
    }

    /** Forwards the counts since the last flush to {@code sink} every {@code interval} of wall-clock time. */
    public void flushEvery(final ProcessorContext<Object, Object> context, final Duration interval, final String sink) {
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, now -> forward(context, sink, now));
    }

    /** Forwards the counts since the last flush to {@code sink} now. */
    public void forward(final ProcessorContext<Object, Object> context, final String sink, final long now) {
        drain(now).forEach(m -> context.forward(new Record<Object, Object>(m.getName(), m, now), sink));
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
