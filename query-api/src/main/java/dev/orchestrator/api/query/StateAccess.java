package dev.orchestrator.api.query;

import dev.orchestrator.topology.payments.LedgerStores;
import org.apache.kafka.common.serialization.Serdes;
import dev.orchestrator.topology.StoreNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Which instance of the application runs the engine task of a partition, and reads of the stores of
 * standby copies held here. Every failure to find out (rebalancing, restoring, a store closing under
 * us) comes out as {@link Unavailable}, never as a half answer.
 */
public final class StateAccess {
    private final KafkaStreams streams;
    private final HostInfo self;
    /**
     * Owners of partitions asked for since the last rebalance. Kafka Streams answers
     * queryMetadataForKey under one lock shared by every request thread; ownership changes only in a
     * rebalance, and every state change clears this.
     */
    private final Map<Integer, Owner> owners = new ConcurrentHashMap<>();

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

    /** Forgets cached ownership: call on every change of the engine's state. */
    public void forget() {
        owners.clear();
    }

    /** The instance running the engine task of {@code partition}, and its standbys. */
    public Owner owner(final int partition) {
        final Owner cached = owners.get(partition);
        if (cached != null) {
            return cached;
        }
        final boolean running = running();
        final Owner owner = lookUp(partition);
        if (running && running()) {
            owners.put(partition, owner);
        }
        return owner;
    }

    private Owner lookUp(final int partition) {
        final KeyQueryMetadata metadata;
        try {
            // any key will do: the partitioner names the partition
            metadata = streams.queryMetadataForKey(StoreNames.DEMANDS, "",
                    (topic, key, value, partitions) -> Optional.of(Set.of(partition)));
        } catch (final IllegalStateException | InvalidStateStoreException e) {
            throw new Unavailable("the engine is not running yet: " + e.getMessage());
        }
        if (metadata == null || metadata == KeyQueryMetadata.NOT_AVAILABLE) {
            throw new Unavailable("no instance runs partition " + partition + " right now (rebalancing)");
        }
        final List<String> standbys = new ArrayList<>();
        boolean localStandby = false;
        for (final HostInfo standby : metadata.standbyHosts()) {
            standbys.add(standby.host() + ":" + standby.port());
            localStandby |= standby.equals(self);
        }
        final HostInfo active = metadata.activeHost();
        return new Owner(active.equals(self), active.host() + ":" + active.port(), standbys, localStandby, partition);
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

    /** Runs {@code reader} against the copy of {@code store} of {@code partition} held here, standbys included. */
    public <V, R> R readStandby(final String store, final int partition,
                                final Function<ReadOnlyKeyValueStore<String, V>, R> reader) {
        try {
            final StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> parameters = StoreQueryParameters
                    .fromNameAndType(store, QueryableStoreTypes.<String, V>keyValueStore()).enableStaleStores()
                    .withPartition(partition);
            return reader.apply(streams.store(parameters));
        } catch (final InvalidStateStoreException e) {
            throw new Unavailable("store " + store + " of partition " + partition + " is not readable here: " + e.getMessage());
        }
    }

    /**
     * Where the escrow ledger's one task runs: empty when here (read {@link #readLedger}), else the
     * instance to ask.
     */
    public Optional<String> ledgerElsewhere() {
        return ownerElsewhere(LedgerStores.CONSUMERS, "", "no instance runs the escrow ledger right now (rebalancing, or "
                + "payments are off)");
    }

    /** Runs {@code reader} against the escrow ledger's {@code store}, which must be held here. */
    public <V, R> R readLedger(final String store, final Function<ReadOnlyKeyValueStore<String, V>, R> reader) {
        return readActive(store, reader);
    }

    /** Where {@code key} of {@code store} is kept: empty when here, else the instance to ask. */
    public Optional<String> ownerElsewhere(final String store, final String key) {
        return ownerElsewhere(store, key, "no instance holds " + store + " right now (rebalancing)");
    }

    private Optional<String> ownerElsewhere(final String store, final String key, final String nobody) {
        final KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(store, key, Serdes.String().serializer());
        } catch (final IllegalStateException | InvalidStateStoreException e) {
            throw new Unavailable("the engine is not running yet: " + e.getMessage());
        }
        if (metadata == null || metadata == KeyQueryMetadata.NOT_AVAILABLE) {
            throw new Unavailable(nobody);
        }
        return metadata.activeHost().equals(self) ? Optional.empty()
                : Optional.of(metadata.activeHost().host() + ":" + metadata.activeHost().port());
    }

    /** Runs {@code reader} against this instance's active copies of {@code store}. */
    public <V, R> R readActive(final String store, final Function<ReadOnlyKeyValueStore<String, V>, R> reader) {
        try {
            return reader.apply(streams.store(StoreQueryParameters.fromNameAndType(store,
                    QueryableStoreTypes.<String, V>keyValueStore())));
        } catch (final InvalidStateStoreException e) {
            throw new Unavailable("store " + store + " is not readable here: " + e.getMessage());
        }
    }
}
