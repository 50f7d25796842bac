package dev.orchestrator.topology.state;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A task's state store with its most recently used values also kept decoded in memory. The profile
 * showed decoding stored records among the stream thread's largest costs, and a demand's allocation
 * is read again when the ledger answers, moments after it was written. Every write still goes to the
 * store and its changelog. Safe because a task's processor is the store's only writer; the processor
 * builds a new one in {@code init}, which Streams calls again after restoring a store.
 */
public final class DecodedStore<V> {
    private final KeyValueStore<String, V> store;
    private final Map<String, V> recent;

    public DecodedStore(final KeyValueStore<String, V> store, final int maxEntries) {
        this.store = store;
        this.recent = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(final Map.Entry<String, V> eldest) {
                return size() > maxEntries;
            }
        };
    }

    public V get(final String key) {
        final V known = recent.get(key);
        if (known != null) {
            return known;
        }
        final V stored = store.get(key);
        if (stored != null) {
            recent.put(key, stored);
        }
        return stored;
    }

    public void put(final String key, final V value) {
        store.put(key, value);
        recent.put(key, value);
    }

    public void delete(final String key) {
        store.delete(key);
        recent.remove(key);
    }
}
