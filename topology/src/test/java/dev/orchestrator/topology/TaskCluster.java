package dev.orchestrator.topology;

import dev.orchestrator.schemas.Topic;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.schemas.serde.InProcessSchemaRegistry;
import dev.orchestrator.topology.emit.Nodes;
import dev.orchestrator.topology.engine.EngineInput;
import dev.orchestrator.topology.engine.EngineProcessor;
import dev.orchestrator.topology.normalize.Normalizer;
import dev.orchestrator.topology.routing.RoutePartitioner;
import dev.orchestrator.topology.routing.Routed;
import dev.orchestrator.topology.serde.InternalSerde;
import dev.orchestrator.topology.state.EngineStores;
import dev.orchestrator.topology.task.EngineTask;
import dev.orchestrator.topology.task.LocalTasks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The engine as Streams runs it on several partitions, without a broker: one engine task per
 * partition, each over its own {@link MockProcessorContext} and in-memory stores. Output goes to the
 * partition the producer's own partitioner (or the route partitioner) chooses and becomes visible
 * only when its task commits, which also snapshots the task's stores and input positions; a crash
 * drops what the task did since, rebuilds its stores from the snapshot and starts a new processor,
 * as exactly-once does. Tasks run in whatever order the caller drives them, so every interleaving of
 * the messages between tasks is reachable.
 */
final class TaskCluster {
    static final int PARTITIONS = 3;
    static final Instant START = EngineHarness.START;

    /** A committed record of a topic partition. */
    record Rec(Object key, byte[] value, long timestamp, String reason) {
        Rec(final Object key, final byte[] value, final long timestamp) {
            this(key, value, timestamp, null);
        }
    }

    final Topics topics = Topics.create("", InProcessSchemaRegistry.inMemory());
    final List<SimTask> tasks = new ArrayList<>();
    private final Map<String, List<List<Rec>>> log = new HashMap<>();
    private final Map<String, Topic<?, ?>> sinks = new HashMap<>();
    private final Map<String, Function<byte[], EngineInput>> sources = new LinkedHashMap<>();
    private final Serde<Routed> routed = InternalSerde.of(Routed.class);
    private final RoutePartitioner routePartitioner = new RoutePartitioner();
    private long now = START.toEpochMilli();

    TaskCluster(final EngineSettings base) {
        final EngineSettings settings = base.withPartitions(PARTITIONS);
        for (final Topic<?, ?> topic : java.util.stream.Stream.concat(topics.all().stream(), topics.internal().stream()).toList()) {
            final List<List<Rec>> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new ArrayList<>());
            }
            log.put(topic.name(), partitions);
        }
        sinks.put(Nodes.ALLOCATIONS, topics.allocations);
        sinks.put(Nodes.COMMANDS, topics.commands);
        sinks.put(Nodes.AUDIT, topics.audit);
        sinks.put(Nodes.METRICS, topics.metrics);
        sinks.put(Nodes.DLQ, topics.dlq);
        sources.put(topics.demand.name(), v -> new EngineInput.DemandIn(decode(topics.demand, v)));
        sources.put(topics.dataUnit.name(), v -> new EngineInput.UnitEventIn(decode(topics.dataUnit, v)));
        sources.put(topics.telemetry.name(), v -> new EngineInput.TelemetryIn(decode(topics.telemetry, v)));
        sources.put(topics.policy.name(), v -> new EngineInput.PolicyIn(decode(topics.policy, v)));
        sources.put(topics.sla.name(), v -> new EngineInput.SlaIn(decode(topics.sla, v)));
        sources.put(topics.outcomes.name(), v -> new EngineInput.OutcomeIn(decode(topics.outcomes, v)));
        sources.put(topics.route.name(), v -> new EngineInput.RoutedIn(v == null ? null : routed.deserializer().deserialize("", v)));
        final Normalizer normalizer = new Normalizer(settings.regions(), settings.currency());
        for (int p = 0; p < PARTITIONS; p++) {
            tasks.add(new SimTask(p, settings, normalizer));
        }
    }

    private static <V> V decode(final Topic<String, V> topic, final byte[] value) {
        return value == null ? null : topic.valueSerde().deserializer().deserialize(topic.name(), value);
    }

    private static Properties config() {
        final Properties config = new Properties();
        config.put("application.id", "multi-task");
        config.put("bootstrap.servers", "unused:9092");
        config.put("processing.exception.handler.global.enabled", true);
        return config;
    }

    long now() {
        return now;
    }

    Instant instant() {
        return Instant.ofEpochMilli(now);
    }

    /** A producer outside the engine writes {@code value} under {@code key}; it is committed at once. */
    <V> void produce(final Topic<String, V> topic, final String key, final V value) {
        final byte[] bytes = value == null ? null : topic.valueSerde().serializer().serialize(topic.name(), value);
        append(topic.name(), BuiltInPartitioner.partitionForKey(topic.keySerde().serializer().serialize(topic.name(), key),
                PARTITIONS), new Rec(key, bytes, now));
    }

    private void append(final String topic, final int partition, final Rec rec) {
        log.get(topic).get(partition).add(rec);
    }

    /** Every committed value of {@code topic}, partition by partition, each in its order. */
    <V> List<V> committed(final Topic<?, V> topic) {
        final Deserializer<V> values = topic.valueSerde().deserializer();
        final List<V> out = new ArrayList<>();
        for (final List<Rec> partition : log.get(topic.name())) {
            partition.forEach(r -> out.add(values.deserialize(topic.name(), r.value())));
        }
        return out;
    }

    /** Every committed message between tasks. */
    List<dev.orchestrator.topology.routing.RouteMessage> committedRoutes() {
        final List<dev.orchestrator.topology.routing.RouteMessage> out = new ArrayList<>();
        for (final List<Rec> partition : log.get(topics.route.name())) {
            partition.forEach(r -> out.add(routed.deserializer().deserialize("", r.value()).message()));
        }
        return out;
    }

    /** The reason header of every committed dead letter. */
    List<String> committedDeadLetterReasons() {
        final List<String> out = new ArrayList<>();
        for (final List<Rec> partition : log.get(topics.dlq.name())) {
            partition.forEach(r -> out.add(r.reason()));
        }
        return out;
    }

    /** How many records are committed on {@code topic}. */
    int size(final Topic<?, ?> topic) {
        return log.get(topic.name()).stream().mapToInt(List::size).sum();
    }

    /** Moves the wall clock; each task's due wall-clock punctuators fire (their output waits for a commit). */
    void advance(final long millis) {
        now += millis;
        tasks.forEach(SimTask::punctuateDue);
    }

    /** Runs and commits every task until nothing is left to process anywhere. */
    void settle() {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (final SimTask task : tasks) {
                progress |= task.run(Integer.MAX_VALUE) > 0;
                // a commit publishes what the task did before (a message to another task): more work
                progress |= task.commit();
            }
        }
    }

    /** One engine task: the engine processor over one partition of every input, with its stores and uncommitted output. */
    final class SimTask {
        final int partition;
        private final EngineSettings settings;
        private final Normalizer normalizer;
        private final LocalTasks local = new LocalTasks();
        private final Map<String, Map<String, byte[]>> snapshot = new HashMap<>();
        private final Map<String, Integer> committedPositions = new HashMap<>();
        private final Map<String, Integer> positions = new HashMap<>();
        private final List<KeyValue<String, Record<Object, Object>>> pending = new ArrayList<>();
        private final Map<String, KeyValueStore<String, Object>> stores = new LinkedHashMap<>();
        private final Map<MockProcessorContext.CapturedPunctuator, Long> nextFire = new HashMap<>();
        private MockProcessorContext<Object, Object> context;
        private EngineProcessor processor;

        SimTask(final int partition, final EngineSettings settings, final Normalizer normalizer) {
            this.partition = partition;
            this.settings = settings;
            this.normalizer = normalizer;
            sources.keySet().forEach(s -> committedPositions.put(s, 0));
            start();
        }

        @Override
        public String toString() {
            return "task-" + partition;
        }

        /** The engine task's state as it is now, committed or not. */
        EngineTask engine() {
            return local.get(partition);
        }

        @SuppressWarnings("unchecked")
        private void start() {
            context = new MockProcessorContext<>(config(), new TaskId(0, partition), null);
            context.setCurrentSystemTimeMs(now);
            stores.clear();
            for (final String name : StoreNames.all()) {
                final Serde<Object> serde = (Serde<Object>) EngineStores.valueSerde(name);
                final KeyValueStore<String, Object> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                        Serdes.String(), serde).withLoggingDisabled().build();
                store.init(context.getStateStoreContext(), store);
                snapshot.getOrDefault(name, Map.of()).forEach((k, v) -> store.put(k, serde.deserializer().deserialize(name, v)));
                context.addStateStore(store);
                stores.put(name, store);
            }
            positions.clear();
            positions.putAll(committedPositions);
            processor = new EngineProcessor(settings, topics, normalizer, local);
            processor.init(context);
            nextFire.clear();
            context.scheduledPunctuators().forEach(p -> nextFire.put(p, now + p.getInterval().toMillis()));
        }

        /** Processes up to {@code max} records, oldest first across this task's partitions; returns how many. */
        int run(final int max) {
            int done = 0;
            while (done < max) {
                String next = null;
                long oldest = Long.MAX_VALUE;
                for (final String source : sources.keySet()) {
                    final List<Rec> records = log.get(source).get(partition);
                    final int at = positions.get(source);
                    if (at < records.size() && records.get(at).timestamp() < oldest) {
                        oldest = records.get(at).timestamp();
                        next = source;
                    }
                }
                if (next == null) {
                    return done;
                }
                final int offset = positions.get(next);
                final Rec rec = log.get(next).get(partition).get(offset);
                positions.put(next, offset + 1);
                context.setRecordMetadata(next, partition, offset);
                context.setCurrentSystemTimeMs(now);
                processor.process(new Record<>((String) rec.key(), sources.get(next).apply(rec.value()), rec.timestamp()));
                collect();
                done++;
            }
            return done;
        }

        void punctuateDue() {
            context.setCurrentSystemTimeMs(now);
            for (final MockProcessorContext.CapturedPunctuator punctuator : context.scheduledPunctuators()) {
                final Long due = nextFire.get(punctuator);
                if (!punctuator.cancelled() && punctuator.getType() == PunctuationType.WALL_CLOCK_TIME
                        && due != null && due <= now) {
                    punctuator.getPunctuator().punctuate(now);
                    nextFire.put(punctuator, now + punctuator.getInterval().toMillis());
                }
            }
            collect();
        }

        private void collect() {
            for (final MockProcessorContext.CapturedForward<?, ?> forward : context.forwarded()) {
                @SuppressWarnings("unchecked")
                final Record<Object, Object> record = (Record<Object, Object>) forward.record();
                pending.add(KeyValue.pair(forward.childName().orElseThrow(), record));
            }
            context.resetForwards();
        }

        /** The transaction commits: output visible, stores and positions durable; whether it published anything. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        boolean commit() {
            final boolean published = !pending.isEmpty();
            for (final KeyValue<String, Record<Object, Object>> out : pending) {
                final Record<Object, Object> record = out.value;
                if (out.key.equals(Nodes.ROUTE)) {
                    final Routed message = (Routed) record.value();
                    final Set<Integer> to = routePartitioner.partitions(topics.route.name(), (String) record.key(), message,
                            PARTITIONS).orElseThrow();
                    final byte[] bytes = routed.serializer().serialize("", message);
                    to.forEach(p -> append(topics.route.name(), p, new Rec(record.key(), bytes, record.timestamp())));
                    continue;
                }
                final Topic topic = sinks.get(out.key);
                if (topic == null) {
                    throw new IllegalStateException(this + " forwarded to unknown child " + out.key);
                }
                final byte[] keyBytes = record.key() == null ? null : record.key() instanceof byte[] bytes ? bytes
                        : ((Serializer) topic.keySerde().serializer()).serialize(topic.name(), record.key());
                final byte[] value = ((Serializer) topic.valueSerde().serializer()).serialize(topic.name(), record.value());
                final org.apache.kafka.common.header.Header reason = record.headers().lastHeader("orchestrator.error.reason");
                append(topic.name(), keyBytes == null ? 0 : BuiltInPartitioner.partitionForKey(keyBytes, PARTITIONS),
                        new Rec(record.key(), value, record.timestamp(), reason == null ? null : new String(reason.value())));
            }
            pending.clear();
            stores.forEach((name, store) -> {
                final Serializer<Object> values = ((Serde<Object>) EngineStores.valueSerde(name)).serializer();
                final Map<String, byte[]> copy = new HashMap<>();
                try (KeyValueIterator<String, Object> it = store.all()) {
                    it.forEachRemaining(kv -> copy.put(kv.key, values.serialize(name, kv.value)));
                }
                snapshot.put(name, copy);
            });
            committedPositions.putAll(positions);
            return published;
        }

        /** The task dies mid-transaction: its uncommitted output and state are gone, a new processor takes over. */
        void crash() {
            processor.close();
            pending.clear();
            start();
        }

        /** What the task's store {@code name} held at its last commit. */
        @SuppressWarnings("unchecked")
        <V> Map<String, V> committedStore(final String name) {
            final Deserializer<Object> values = ((Serde<Object>) EngineStores.valueSerde(name)).deserializer();
            final Map<String, V> out = new HashMap<>();
            snapshot.getOrDefault(name, Map.of()).forEach((k, v) -> out.put(k, (V) values.deserialize(name, v)));
            return out;
        }
    }
}
