package dev.orchestrator.topology;

import dev.orchestrator.schemas.Topic;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.topology.admission.ConsumerAccount;
import dev.orchestrator.topology.decision.AllocationRecord;
import dev.orchestrator.topology.decision.DecisionProcessor;
import dev.orchestrator.topology.decision.SlaUpdater;
import dev.orchestrator.topology.errors.FailedRecordHandler;
import dev.orchestrator.topology.errors.GlobalDeadLetters;
import dev.orchestrator.topology.errors.OutputFailureHandler;
import dev.orchestrator.topology.errors.UndecodableRecordHandler;
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
import dev.orchestrator.topology.state.LocalStores;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The decision path of DESIGN.md section 3, built in one place for main, the bench and the tests.
 * Five processors, each in its own sub-topology, talk through keyed topics: intake (by demand),
 * decider (by consumer), ledger (by unit), planner (by provider), plus the replicated unit view.
 */
public final class DecisionTopology {
    private DecisionTopology() {
    }

    /**
     * Settings the topology relies on: a record that cannot be decoded, makes a processor throw, or
     * cannot be written is logged, dead-lettered (bounded: a large value is referenced, not copied)
     * and skipped, so no single record stops the stream. Global-store topics are named so their
     * handlers write dead letters through {@code globalDeadLetters} (the global thread cannot hand
     * them to Streams), which the caller closes after Streams.
     */
    public static Map<String, Object> requiredConfig(final Topics topics, final GlobalDeadLetters globalDeadLetters) {
        return Map.of(
                StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.dlq.name(),
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, UndecodableRecordHandler.class,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, FailedRecordHandler.class,
                StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, OutputFailureHandler.class,
                UndecodableRecordHandler.GLOBAL_TOPICS_CONFIG, topics.sla.name() + "," + topics.unitViews.name(),
                GlobalDeadLetters.CONFIG, globalDeadLetters,
                // the default changes in Kafka 5.0; choose it now so upgrades change nothing
                "processing.exception.handler.global.enabled", true);
    }

    /** The topology for {@code streamsConfig}, which must include {@link #requiredConfig}. */
    public static Topology build(final Topics topics, final EngineSettings settings, final Properties streamsConfig) {
        return build(topics, settings, streamsConfig, new LocalStores());
    }

    /** With {@code local} told which stores the read API may query directly while their tasks run here. */
    public static Topology build(final Topics topics, final EngineSettings settings, final Properties streamsConfig,
                                 final LocalStores local) {
        final Topology topology = new Topology(new org.apache.kafka.streams.TopologyConfig(new StreamsConfig(streamsConfig)));
        final Normalizer normalizer = new Normalizer(settings.regions(), settings.currency());
        final UnitIndex index = new UnitIndex();

        // Intake, keyed by demand: drop duplicates, refuse the invalid with a reason, route the rest by consumer
        source(topology, "demand-source", topics.demand);
        topology.addProcessor(Nodes.INTAKE, () -> local.registering(new DemandIntake(normalizer, topics.demand,
                settings.metricsIntervalMillis()), StoreNames.DEMAND_IDS), "demand-source");
        topology.addStateStore(store(StoreNames.DEMAND_IDS, Serdes.String()), Nodes.INTAKE);
        sinks(topology, topics, Nodes.INTAKE, Nodes.ALLOCATIONS, Nodes.DLQ, Nodes.TO_DECIDER, Nodes.METRICS);

        // Executors key outcomes by command; the ledger wants them by unit
        source(topology, "outcome-source", topics.outcomes);
        topology.addProcessor(Nodes.OUTCOMES, OutcomeRouter::new, "outcome-source");
        sinks(topology, topics, Nodes.OUTCOMES, Nodes.TO_LEDGER, Nodes.DLQ);

        // The ledger, keyed by unit: the one writer of capacity, lifecycle and health
        source(topology, "data-unit-source", topics.dataUnit);
        source(topology, "telemetry-source", topics.telemetry);
        internalSource(topology, "to-ledger-source", topics.toLedger, ToLedger.class);
        topology.addProcessor(Nodes.LEDGER, () -> local.registering(new LedgerProcessor(normalizer, settings, topics),
                        StoreNames.UNITS, StoreNames.RESERVATIONS),
                "data-unit-source", "telemetry-source", "to-ledger-source");
        topology.addStateStore(store(StoreNames.UNITS, InternalSerde.of(UnitHeader.class)), Nodes.LEDGER);
        topology.addStateStore(store(StoreNames.RESERVATIONS, InternalSerde.of(Reservation.class)), Nodes.LEDGER);
        sinks(topology, topics, Nodes.LEDGER, Nodes.AUDIT, Nodes.UNIT_VIEWS, Nodes.TO_DECIDER, Nodes.TO_PLANNER,
                Nodes.COMMANDS, Nodes.DLQ, Nodes.METRICS);

        // Every instance scores against a replica of every unit's view, indexed by pool
        topology.addGlobalStore(globalStore(StoreNames.UNIT_VIEWS, InternalSerde.of(UnitView.class)),
                "unit-view-source", Serdes.String().deserializer(), InternalSerde.of(UnitView.class).deserializer(),
                topics.unitViews.name(), "unit-view-updater", () -> new UnitViewUpdater(index));
        topology.addGlobalStore(globalStore(StoreNames.SLAS, InternalSerde.of(SlaTerms.class)),
                "sla-source", topics.sla.keySerde().deserializer(), topics.sla.valueSerde().deserializer(),
                topics.sla.name(), "sla-updater", SlaUpdater::new);

        // The decider, keyed by consumer: admission, scoring, retries, lifecycle of allocations
        source(topology, "policy-source", topics.policy);
        internalSource(topology, "to-decider-source", topics.toDecider, ToDecider.class);
        topology.addProcessor(Nodes.DECIDER, () -> local.registering(new DecisionProcessor(normalizer, settings, index, topics),
                        StoreNames.ALLOCATIONS),
                "policy-source", "to-decider-source");
        topology.addStateStore(store(StoreNames.ALLOCATIONS, InternalSerde.of(AllocationRecord.class)), Nodes.DECIDER);
        topology.addStateStore(store(StoreNames.ACCOUNTS, InternalSerde.of(ConsumerAccount.class)), Nodes.DECIDER);
        topology.addStateStore(store(StoreNames.POLICIES, InternalSerde.of(PolicyTerms.class)), Nodes.DECIDER);
        sinks(topology, topics, Nodes.DECIDER, Nodes.ALLOCATIONS, Nodes.AUDIT, Nodes.TO_LEDGER, Nodes.TO_PLANNER,
                Nodes.DLQ, Nodes.METRICS);

        // The planner, keyed by provider: at most N migrations in flight per provider
        internalSource(topology, "to-planner-source", topics.toPlanner, ToPlanner.class);
        topology.addProcessor(Nodes.PLANNER, () -> new MigrationPlanner(settings.migrationsPerProvider()),
                "to-planner-source");
        topology.addStateStore(store(StoreNames.MIGRATIONS, InternalSerde.of(MigrationQueue.class)), Nodes.PLANNER);
        sinks(topology, topics, Nodes.PLANNER, Nodes.TO_DECIDER, Nodes.DLQ);
        return topology;
    }

    private static <V> void source(final Topology topology, final String name, final Topic<String, V> topic) {
        topology.addSource(name, topic.keySerde().deserializer(), topic.valueSerde().deserializer(), topic.name());
    }

    private static <V> void internalSource(final Topology topology, final String name, final Topic<String, byte[]> topic,
                                           final Class<V> type) {
        topology.addSource(name, Serdes.String().deserializer(), InternalSerde.of(type).deserializer(), topic.name());
    }

    /**
     * A task's store. Cached: several writes of one key between commits (an allocation reserved then
     * placed, a unit's header, a consumer's account) reach RocksDB and the changelog once, at the commit.
     */
    private static <V> StoreBuilder<KeyValueStore<String, V>> store(final String name, final Serde<V> values) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values)
                .withCachingEnabled();
    }

    /** A global store, rebuilt from its source topic rather than a changelog. */
    private static <V> StoreBuilder<KeyValueStore<String, V>> globalStore(final String name, final Serde<V> values) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values)
                .withLoggingDisabled();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void sinks(final Topology topology, final Topics topics, final String processor,
                              final String... outputs) {
        for (final String output : outputs) {
            final Topic topic = switch (output) {
                case Nodes.ALLOCATIONS -> topics.allocations;
                case Nodes.COMMANDS -> topics.commands;
                case Nodes.AUDIT -> topics.audit;
                case Nodes.METRICS -> topics.metrics;
                case Nodes.DLQ -> topics.dlq;
                case Nodes.TO_LEDGER -> topics.toLedger;
                case Nodes.TO_DECIDER -> topics.toDecider;
                case Nodes.TO_PLANNER -> topics.toPlanner;
                case Nodes.UNIT_VIEWS -> topics.unitViews;
                default -> throw new IllegalArgumentException("no topic for output " + output);
            };
            topology.addSink(Nodes.sink(processor, output), topic.name(), topic.keySerde().serializer(),
                    topic.valueSerde().serializer(), processor);
        }
    }
}
