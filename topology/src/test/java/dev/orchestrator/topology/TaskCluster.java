package dev.orchestrator.topology;

import dev.orchestrator.schemas.Topic;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.schemas.serde.InProcessSchemaRegistry;
import dev.orchestrator.topology.admission.ConsumerAccount;
import dev.orchestrator.topology.decision.AllocationRecord;
import dev.orchestrator.topology.decision.DecisionProcessor;
import dev.orchestrator.topology.decision.SlaUpdater;
import dev.orchestrator.topology.emit.Nodes;
import dev.orchestrator.topology.intake.DemandIntake;
import dev.orchestrator.topology.intake.OutcomeRouter;
import dev.orchestrator.topology.ledger.LedgerProcessor;
import dev.orchestrator.topology.ledger.UnitHeader;
import dev.orchestrator.topology.messages.ToDecider;
import dev.orchestrator.topology.messages.ToLedger;
import dev.orchestrator.topology.messages.ToPlanner;
import dev.orchestrator.topology.migration.MigrationPlanner;
import dev.orchestrator.topology.migration.MigrationQueue;
import dev.orchestrator.topology.model.PolicyTerms;
import dev.orchestrator.topology.model.Reservation;
import dev.orchestrator.topology.model.SlaTerms;
import dev.orchestrator.topology.model.UnitView;
import dev.orchestrator.topology.normalize.Normalizer;
import dev.orchestrator.topology.scoring.UnitIndex;
import dev.orchestrator.topology.scoring.UnitViewUpdater;
import dev.orchestrator.topology.serde.InternalSerde;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The engine's processors as Streams runs them on several partitions, without a broker: one task per
 * sub-topology and partition, each over its own {@link MockProcessorContext} and stores. Output goes
 * to a partition chosen by the producer's own partitioner and becomes visible only when its task
 * commits, which also snapshots the task's stores and input positions; a crash drops what the task
 * did since, rebuilds its stores from the snapshot and starts a new processor, as exactly-once does.
 * Tasks run in whatever order the caller drives them, so every interleaving of hops is reachable.
 */
final class TaskCluster {
    static final int PARTITIONS = 3;
    static final Instant START = EngineHarness.START;

    /** A committed record of a topic partition. */
    record Rec(Object key, byte[] value, long timestamp) {
    }

    final Topics topics = Topics.create("", InProcessSchemaRegistry.inMemory());
    final List<SimTask> tasks = new ArrayList<>();
    private final Map<String, List<List<Rec>>> log = new HashMap<>();
    private final Map<String, Topic<?, ?>> sinkTopics = new HashMap<>();
    private final Map<String, Deserializer<?>> sourceValues = new HashMap<>();
    private final UnitIndex index = new UnitIndex();
    private final GlobalReplica global;
    private long now = START.toEpochMilli();

    TaskCluster(final EngineSettings settings) {
        for (final Topic<?, ?> topic : java.util.stream.Stream.concat(topics.all().stream(), topics.internal().stream()).toList()) {
            final List<List<Rec>> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new ArrayList<>());
            }
            log.put(topic.name(), partitions);
        }
        for (final String processor : List.of(Nodes.INTAKE, Nodes.OUTCOMES, Nodes.LEDGER, Nodes.DECIDER, Nodes.PLANNER)) {
            for (final Topic<?, ?> topic : List.of(topics.allocations, topics.commands, topics.audit, topics.metrics,
                    topics.dlq, topics.toLedger, topics.toDecider, topics.toPlanner, topics.unitViews)) {
                sinkTopics.put(Nodes.sink(processor, outputName(topic)), topic);
            }
        }
        for (final Topic<?, ?> topic : List.of(topics.demand, topics.outcomes, topics.dataUnit, topics.telemetry, topics.policy)) {
            sourceValues.put(topic.name(), topic.valueSerde().deserializer());
        }
        sourceValues.put(topics.toLedger.name(), InternalSerde.of(ToLedger.class).deserializer());
        sourceValues.put(topics.toDecider.name(), InternalSerde.of(ToDecider.class).deserializer());
        sourceValues.put(topics.toPlanner.name(), InternalSerde.of(ToPlanner.class).deserializer());
        global = new GlobalReplica();

        final Normalizer normalizer = new Normalizer(settings.regions(), settings.currency());
        for (int p = 0; p < PARTITIONS; p++) {
            tasks.add(new SimTask("intake", 0, p, List.of(topics.demand.name()),
                    () -> new DemandIntake(normalizer, topics.demand, settings.metricsIntervalMillis()),
                    Map.of(StoreNames.DEMAND_IDS, Serdes.String())));
            tasks.add(new SimTask("outcomes", 1, p, List.of(topics.outcomes.name()), OutcomeRouter::new, Map.of()));
            tasks.add(new SimTask("ledger", 2, p, List.of(topics.dataUnit.name(), topics.telemetry.name(), topics.toLedger.name()),
                    () -> new LedgerProcessor(normalizer, settings, topics),
                    Map.of(StoreNames.UNITS, InternalSerde.of(UnitHeader.class),
                            StoreNames.RESERVATIONS, InternalSerde.of(Reservation.class))));
            tasks.add(new SimTask("decider", 3, p, List.of(topics.policy.name(), topics.toDecider.name()),
                    () -> new DecisionProcessor(normalizer, settings, index, topics),
                    Map.of(StoreNames.ALLOCATIONS, InternalSerde.of(AllocationRecord.class),
                            StoreNames.ACCOUNTS, InternalSerde.of(ConsumerAccount.class),
                            StoreNames.POLICIES, InternalSerde.of(PolicyTerms.class))));
            tasks.add(new SimTask("planner", 4, p, List.of(topics.toPlanner.name()),
                    () -> new MigrationPlanner(settings.migrationsPerProvider()),
                    Map.of(StoreNames.MIGRATIONS, InternalSerde.of(MigrationQueue.class))));
        }
    }

    private static String outputName(final Topic<?, ?> topic) {
        return switch (topic.name()) {
            case Topics.ALLOCATIONS -> Nodes.ALLOCATIONS;
            case Topics.COMMANDS -> Nodes.COMMANDS;
            case Topics.AUDIT -> Nodes.AUDIT;
            case Topics.METRICS -> Nodes.METRICS;
            case Topics.DLQ -> Nodes.DLQ;
            case Topics.TO_LEDGER -> Nodes.TO_LEDGER;
            case Topics.TO_DECIDER -> Nodes.TO_DECIDER;
            case Topics.TO_PLANNER -> Nodes.TO_PLANNER;
            case Topics.UNIT_VIEWS -> Nodes.UNIT_VIEWS;
            default -> throw new IllegalArgumentException("no output node for " + topic.name());
        };
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
        append(topic, key, topic.valueSerde().serializer().serialize(topic.name(), value), now);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void append(final Topic<?, ?> topic, final Object key, final byte[] value, final long timestamp) {
        final byte[] keyBytes = key == null ? null : ((Serializer) topic.keySerde().serializer()).serialize(topic.name(), key);
        final int partition = keyBytes == null ? 0 : BuiltInPartitioner.partitionForKey(keyBytes, PARTITIONS);
        log.get(topic.name()).get(partition).add(new Rec(key, value, timestamp));
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

    /** Moves the wall clock; each task's due wall-clock punctuators fire (their output waits for a commit). */
    void advance(final long millis) {
        now += millis;
        tasks.forEach(SimTask::punctuateDue);
    }

    /** The global thread: applies every committed unit view and SLA it has not yet seen. */
    void refreshGlobal() {
        global.catchUp();
    }

    /** Runs, commits and refreshes until nothing is left to process anywhere. */
    void settle() {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (final SimTask task : tasks) {
                progress |= task.run(Integer.MAX_VALUE) > 0;
                task.commit();
            }
            refreshGlobal();
        }
    }

    /** One task: a processor over one partition of its sources, with its stores and its uncommitted output. */
    final class SimTask {
        final String name;
        final int partition;
        private final TaskId id;
        private final List<String> sources;
        private final Supplier<? extends Processor<String, ?, Object, Object>> factory;
        private final Map<String, Serde<?>> storeSerdes;
        private final Map<String, Map<String, byte[]>> snapshot = new HashMap<>();
        private final Map<String, Integer> committedPositions = new HashMap<>();
        private final Map<String, Integer> positions = new HashMap<>();
        private final List<KeyValue<String, Record<Object, Object>>> pending = new ArrayList<>();
        private final Map<String, KeyValueStore<String, Object>> stores = new LinkedHashMap<>();
        private final Map<MockProcessorContext.CapturedPunctuator, Long> nextFire = new HashMap<>();
        private MockProcessorContext<Object, Object> context;
        private Processor<String, Object, Object, Object> processor;

        SimTask(final String name, final int subtopology, final int partition, final List<String> sources,
                final Supplier<? extends Processor<String, ?, Object, Object>> factory, final Map<String, Serde<?>> storeSerdes) {
            this.name = name;
            this.partition = partition;
            this.id = new TaskId(subtopology, partition);
            this.sources = sources;
            this.factory = factory;
            this.storeSerdes = storeSerdes;
            sources.forEach(s -> committedPositions.put(s, 0));
            start();
        }

        @Override
        public String toString() {
            return name + "-" + partition;
        }

        @SuppressWarnings("unchecked")
        private void start() {
            context = new MockProcessorContext<>(config(), id, null);
            context.setCurrentSystemTimeMs(now);
            stores.clear();
            storeSerdes.forEach((storeName, serde) -> {
                final KeyValueStore<String, Object> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(storeName),
                        Serdes.String(), (Serde<Object>) serde).withLoggingDisabled().build();
                store.init(context.getStateStoreContext(), store);
                snapshot.getOrDefault(storeName, Map.of()).forEach((k, v) ->
                        store.put(k, ((Serde<Object>) serde).deserializer().deserialize(storeName, v)));
                context.addStateStore(store);
                stores.put(storeName, store);
            });
            context.addStateStore(global.slas);
            positions.clear();
            positions.putAll(committedPositions);
            processor = (Processor<String, Object, Object, Object>) factory.get();
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
                for (final String source : sources) {
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
                final Object value = sourceValues.get(next).deserialize(next, rec.value());
                processor.process(new Record<>((String) rec.key(), value, rec.timestamp()));
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

        /** The transaction commits: output visible, stores and positions durable. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        void commit() {
            for (final KeyValue<String, Record<Object, Object>> out : pending) {
                final Topic<?, ?> topic = sinkTopics.get(out.key);
                if (topic == null) {
                    throw new IllegalStateException(this + " forwarded to unknown child " + out.key);
                }
                final byte[] value = ((Serializer) topic.valueSerde().serializer()).serialize(topic.name(), out.value.value());
                append(topic, out.value.key(), value, out.value.timestamp());
            }
            pending.clear();
            stores.forEach((storeName, store) -> {
                final Serializer<Object> values = ((Serde<Object>) storeSerdes.get(storeName)).serializer();
                final Map<String, byte[]> copy = new HashMap<>();
                try (KeyValueIterator<String, Object> it = store.all()) {
                    it.forEachRemaining(kv -> copy.put(kv.key, values.serialize(storeName, kv.value)));
                }
                snapshot.put(storeName, copy);
            });
            committedPositions.putAll(positions);
        }

        /** The task dies mid-transaction: its uncommitted output and state are gone, a new processor takes over. */
        void crash() {
            processor.close();
            pending.clear();
            start();
        }

        @SuppressWarnings("unchecked")
        <V> KeyValueStore<String, V> store(final String storeName) {
            return (KeyValueStore<String, V>) (KeyValueStore<String, ?>) stores.get(storeName);
        }
    }

    /** The instance's global stores (unit views feeding the scorers' index, SLAs), fed from committed output only. */
    private final class GlobalReplica {
        final KeyValueStore<String, Object> slas;
        private final UnitViewUpdater views = new UnitViewUpdater(index);
        private final SlaUpdater slaUpdater = new SlaUpdater();
        private final int[] viewPositions = new int[PARTITIONS];
        private final int[] slaPositions = new int[PARTITIONS];
        private final MockProcessorContext<Void, Void> context = new MockProcessorContext<>(config());

        @SuppressWarnings({"unchecked", "rawtypes"})
        GlobalReplica() {
            final KeyValueStore<String, Object> viewStore = Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(StoreNames.UNIT_VIEWS), Serdes.String(),
                    (Serde<Object>) (Serde) InternalSerde.of(UnitView.class)).withLoggingDisabled().build();
            slas = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.SLAS), Serdes.String(),
                    (Serde<Object>) (Serde) InternalSerde.of(SlaTerms.class)).withLoggingDisabled().build();
            viewStore.init(context.getStateStoreContext(), viewStore);
            slas.init(context.getStateStoreContext(), slas);
            context.addStateStore(viewStore);
            context.addStateStore(slas);
            views.init(context);
            slaUpdater.init(context);
        }

        void catchUp() {
            final Deserializer<UnitView> view = InternalSerde.of(UnitView.class).deserializer();
            final Deserializer<dev.orchestrator.avro.Sla> sla = topics.sla.valueSerde().deserializer();
            for (int p = 0; p < PARTITIONS; p++) {
                final List<Rec> viewLog = log.get(topics.unitViews.name()).get(p);
                while (viewPositions[p] < viewLog.size()) {
                    final Rec rec = viewLog.get(viewPositions[p]++);
                    views.process(new Record<>((String) rec.key(), view.deserialize("", rec.value()), rec.timestamp()));
                }
                final List<Rec> slaLog = log.get(topics.sla.name()).get(p);
                while (slaPositions[p] < slaLog.size()) {
                    final Rec rec = slaLog.get(slaPositions[p]++);
                    slaUpdater.process(new Record<>((String) rec.key(), sla.deserialize(topics.sla.name(), rec.value()),
                            rec.timestamp()));
                }
            }
        }
    }
}
