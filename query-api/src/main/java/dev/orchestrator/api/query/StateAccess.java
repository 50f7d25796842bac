package dev.orchestrator.api.query;

import java.util.ArrayList;
import java.util.List;
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

/**
 * This instance's view of the engine's state stores: which instance owns a key, and reads of the
 * stores held here. Every failure to read (rebalancing, restoring, a store closing under us) comes
 * out as {@link Unavailable}, never as a half answer.
 */
public final class StateAccess {
    private final KafkaStreams streams;
    private final HostInfo self;

    public StateAccess(final KafkaStreams streams, final HostInfo self) {
        this.streams = streams;
        this.self = self;
    }

    public String self() {
        return self.host() + ":" + self.port();
    }

    /** Whether the engine is serving: RUNNING, every task assigned and restored. */
    public boolean running() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    public Owner owner(final String store, final String key) {
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
        return new Owner(active.equals(self), active.host() + ":" + active.port(), standbys, localStandby);
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
        return this.<V, Optional<V>>read(store, stale, s -> Optional.ofNullable(s.get(key)));
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
