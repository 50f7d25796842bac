package dev.orchestrator.api.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import dev.orchestrator.topology.state.LocalStores;

/**
 * This instance's view of the engine's state stores: which instance owns a key, and reads of the
 * stores held here. Every failure to read (rebalancing, restoring, a store closing under us) comes
 * out as {@link Unavailable}, never as a half answer.
 */
public final class StateAccess {
    /** Bounds the owner cache; past it the cache starts over rather than evicting one by one. */
    private static final int MAX_CACHED_OWNERS = 100_000;

    private final KafkaStreams streams;
    private final HostInfo self;
    private final LocalStores local;
    /**
     * Owners of keys asked for since the last rebalance. Kafka Streams answers queryMetadataForKey under
     * one lock shared by every request thread; at thousands of requests per second that lock, not the
     * lookup, was the cost. Ownership changes only in a rebalance, and every state change clears this.
     */
    private final Map<String, Owner> owners = new ConcurrentHashMap<>();

    public StateAccess(final KafkaStreams streams, final HostInfo self) {
        this(streams, self, null);
    }

    /** With {@code local}, reads of a key whose task runs here go straight to its store. */
    public StateAccess(final KafkaStreams streams, final HostInfo self, final LocalStores local) {
        this.streams = streams;
        this.self = self;
        this.local = local;
    }

    public String self() {
        return self.host() + ":" + self.port();
    }

    /** Whether the engine is serving: RUNNING, every task assigned and restored. */
    public boolean running() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** Forgets cached ownership: call on every change of the engine's state. */
    public void forget() {
        owners.clear();
    }

    public Owner owner(final String store, final String key) {
        final String cacheKey = store + '\u0000' + key;
        final Owner cached = owners.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        final boolean running = streams.state() == KafkaStreams.State.RUNNING;
        final Owner owner = lookUp(store, key);
        if (running && streams.state() == KafkaStreams.State.RUNNING) {
            if (owners.size() >= MAX_CACHED_OWNERS) {
                owners.clear();
            }
            owners.put(cacheKey, owner);
        }
        return owner;
    }

    private Owner lookUp(final String store, final String key) {
        final KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(store, key, Serdes.String().serializer());
        } catch (final IllegalStateException | InvalidStateStoreException e) {
            throw new Unavailable("the engine is not running yet: " + e.getMessage());
        }
        if (metadata == null || metadata == KeyQueryMetadata.NOT_AVAILABLE) {
            throw new Unavailable("no instance owns the key's partition right now (rebalancing)");
        }
        final List<String> standbys = new ArrayList<>();
        boolean localStandby = false;
        for (final HostInfo standby : metadata.standbyHosts()) {
            standbys.add(standby.host() + ":" + standby.port());
            localStandby |= standby.equals(self);
        }
        final HostInfo active = metadata.activeHost();
        return new Owner(active.equals(self), active.host() + ":" + active.port(), standbys, localStandby, metadata.partition());
    }

    /** Every instance of the application, this one included, as {@code host:port}. */
    public List<String> instances() {
        try {
            return streams.metadataForAllStreamsClients().stream().map(m -> m.hostInfo().host() + ":" + m.hostInfo().port())
                    .distinct().sorted().toList();
        } catch (final IllegalStateException e) {
            throw new Unavailable("the engine is not running yet: " + e.getMessage());
        }
    }

    public <V> Optional<V> get(final String store, final String key, final boolean stale) {
        return get(store, key, key, stale);
    }

    /** {@code key} of a store whose records are partitioned by {@code partitionKey}. */
    public <V> Optional<V> get(final String store, final String key, final String partitionKey, final boolean stale) {
        return this.<V, Optional<V>>read(store, partitionKey, stale, s -> Optional.ofNullable(s.get(key)));
    }

    /**
     * Runs {@code reader} against the store of the task that holds {@code partitionKey}: directly when
     * that task runs here, else through interactive queries (standby copies too with {@code stale}).
     */
    public <V, R> R read(final String store, final String partitionKey, final boolean stale,
                         final Function<ReadOnlyKeyValueStore<String, V>, R> reader) {
        if (!stale && local != null) {
            final Owner owner = owner(store, partitionKey);
            final ReadOnlyKeyValueStore<String, V> direct = owner.local() ? local.get(store, owner.partition()) : null;
            if (direct != null) {
                try {
                    return reader.apply(direct);
                } catch (final InvalidStateStoreException e) {
                    throw new Unavailable("store " + store + " closed while being read (rebalancing): " + e.getMessage());
                }
            }
        }
        return read(store, stale, reader);
    }

    /** Runs {@code reader} against the local store; with {@code stale}, standby copies are read too. */
    public <V, R> R read(final String store, final boolean stale, final Function<ReadOnlyKeyValueStore<String, V>, R> reader) {
        try {
            StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> parameters =
                    StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore());
            if (stale) {
                parameters = parameters.enableStaleStores();
            }
            return reader.apply(streams.store(parameters));
        } catch (final InvalidStateStoreException e) {
            throw new Unavailable("store " + store + " is not readable here right now: " + e.getMessage());
        }
    }
}
