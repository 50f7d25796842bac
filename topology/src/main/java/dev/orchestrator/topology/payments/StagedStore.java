package dev.orchestrator.topology.payments;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A store whose writes wait until the ledger operation that made them has succeeded whole: an
 * operation that throws half way (an overflow, a refused input) is discarded and leaves no trace,
 * so the stores never hold a movement that {@code payments.v1} does not.
 */
final class StagedStore<V> {
    private final KeyValueStore<String, V> store;
    private final Map<String, V> pending = new LinkedHashMap<>();

    StagedStore(final KeyValueStore<String, V> store) {
        this.store = store;
    }

    V get(final String key) {
        final V staged = pending.get(key);
        return staged != null ? staged : store.get(key);
    }

    void put(final String key, final V value) {
        pending.put(key, value);
    }

    /** The store itself, for reads of what is committed (iterators at start). */
    KeyValueStore<String, V> committed() {
        return store;
    }

    void commit() {
        pending.forEach(store::put);
        pending.clear();
    }

    void discard() {
        pending.clear();
    }
}
