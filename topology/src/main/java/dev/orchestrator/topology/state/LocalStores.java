package dev.orchestrator.topology.state;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The stores of the tasks running in this instance, by name and partition, for the read API.
 * Kafka Streams' interactive queries find a store on every read under a lock the stream thread
 * also takes; at a few thousand reads per second that lock stalled both the readers and the
 * engine. A store is registered when its task's processor starts and removed when it closes, so a
 * reader either finds an open store or none (and falls back to the interactive-query path); a store
 * closing under a reader fails that read with Kafka Streams' own InvalidStateStoreException.
 */
public final class LocalStores {
    private final Map<String, Map<Integer, ReadOnlyKeyValueStore<String, ?>>> stores = new ConcurrentHashMap<>();

    /** The store {@code name} of the task for {@code partition}, if that task runs here. */
    @SuppressWarnings("unchecked")
    public <V> ReadOnlyKeyValueStore<String, V> get(final String name, final int partition) {
        final Map<Integer, ReadOnlyKeyValueStore<String, ?>> byPartition = stores.get(name);
        return byPartition == null ? null : (ReadOnlyKeyValueStore<String, V>) byPartition.get(partition);
    }

    /** {@code processor}, registering the named stores of its task while it runs. */
    public <KIn, VIn, KOut, VOut> Processor<KIn, VIn, KOut, VOut> registering(final Processor<KIn, VIn, KOut, VOut> processor,
                                                                              final String... names) {
        return new Registering<>(processor, names);
    }

    private final class Registering<KIn, VIn, KOut, VOut> implements Processor<KIn, VIn, KOut, VOut> {
        private final Processor<KIn, VIn, KOut, VOut> inner;
        private final String[] names;
        private final Map<String, ReadOnlyKeyValueStore<String, ?>> mine = new java.util.HashMap<>();
        private int partition;

        Registering(final Processor<KIn, VIn, KOut, VOut> inner, final String[] names) {
            this.inner = inner;
            this.names = names;
        }

        @Override
        public void init(final ProcessorContext<KOut, VOut> context) {
            inner.init(context);
            partition = context.taskId().partition();
            for (final String name : names) {
                final ReadOnlyKeyValueStore<String, ?> store = context.getStateStore(name);
                mine.put(name, store);
                stores.computeIfAbsent(name, n -> new ConcurrentHashMap<>()).put(partition, store);
            }
        }

        @Override
        public void process(final Record<KIn, VIn> record) {
            inner.process(record);
        }

        @Override
        public void close() {
            // only this task's own registration: a newer task for the partition may have registered already
            mine.forEach((name, store) -> stores.getOrDefault(name, Map.of()).remove(partition, store));
            mine.clear();
            inner.close();
        }
    }
}
