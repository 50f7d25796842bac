package dev.orchestrator.topology.state;

import dev.orchestrator.topology.StoreNames;
import dev.orchestrator.topology.admission.ConsumerSlice;
import dev.orchestrator.topology.admission.LeaseBook;
import dev.orchestrator.topology.ledger.UnitHeader;
import dev.orchestrator.topology.migration.MigrationQueue;
import dev.orchestrator.topology.model.DemandRecord;
import dev.orchestrator.topology.model.Hosted;
import dev.orchestrator.topology.model.SlaTerms;
import dev.orchestrator.topology.routing.RouteMessage;
import dev.orchestrator.topology.serde.InternalSerde;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The engine task's state stores, typed: RocksDB with changelogs, cached so that several writes of a
 * key between two commits (a demand parked then placed, a header written twice) reach RocksDB and
 * the changelog once.
 */
public record EngineStores(KeyValueStore<String, DemandRecord> demands, KeyValueStore<String, Hosted> hosted,
                           KeyValueStore<String, UnitHeader> units, KeyValueStore<String, ConsumerSlice> consumers,
                           KeyValueStore<String, LeaseBook> leaseBooks,
                           KeyValueStore<String, RouteMessage.LeaseRequest> leaseParked,
                           KeyValueStore<String, RouteMessage.Spill> leaseWaiting,
                           KeyValueStore<String, SlaTerms> slas, KeyValueStore<String, MigrationQueue> migrations,
                           KeyValueStore<String, Long> funds,
                           KeyValueStore<String, RouteMessage.ProviderStanding> standings) {

    private static final Map<String, Class<?>> VALUES = Map.ofEntries(Map.entry(StoreNames.DEMANDS, DemandRecord.class),
            Map.entry(StoreNames.HOSTED, Hosted.class), Map.entry(StoreNames.UNITS, UnitHeader.class),
            Map.entry(StoreNames.CONSUMERS, ConsumerSlice.class), Map.entry(StoreNames.LEASE_BOOKS, LeaseBook.class),
            Map.entry(StoreNames.LEASE_PARKED, RouteMessage.LeaseRequest.class),
            Map.entry(StoreNames.LEASE_WAITING, RouteMessage.Spill.class), Map.entry(StoreNames.SLAS, SlaTerms.class),
            Map.entry(StoreNames.MIGRATIONS, MigrationQueue.class), Map.entry(StoreNames.FUNDS, Long.class),
            Map.entry(StoreNames.STANDINGS, RouteMessage.ProviderStanding.class));

    /** The stores of the task {@code context} belongs to. */
    public static EngineStores of(final ProcessingContext context) {
        return new EngineStores(context.getStateStore(StoreNames.DEMANDS), context.getStateStore(StoreNames.HOSTED),
                context.getStateStore(StoreNames.UNITS), context.getStateStore(StoreNames.CONSUMERS),
                context.getStateStore(StoreNames.LEASE_BOOKS), context.getStateStore(StoreNames.LEASE_PARKED),
                context.getStateStore(StoreNames.LEASE_WAITING),
                context.getStateStore(StoreNames.SLAS), context.getStateStore(StoreNames.MIGRATIONS),
                context.getStateStore(StoreNames.FUNDS), context.getStateStore(StoreNames.STANDINGS));
    }

    /** Builders of every store, in {@link StoreNames#all()} order, for the topology. */
    public static List<StoreBuilder<KeyValueStore<String, Object>>> builders() {
        return StoreNames.all().stream().map(name -> store(name, VALUES.get(name))).toList();
    }

    /** The serde of {@code store}'s values, for tools that read its changelog. */
    public static Serde<?> valueSerde(final String store) {
        final Class<?> values = VALUES.get(store);
        if (values == null) {
            throw new IllegalArgumentException("no store " + store);
        }
        return InternalSerde.of(values);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static StoreBuilder<KeyValueStore<String, Object>> store(final String name, final Class<?> values) {
        return (StoreBuilder) Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(),
                InternalSerde.of(values)).withCachingEnabled();
    }
}
