package dev.orchestrator.topology;

import dev.orchestrator.topology.stackflow.StacksTopology;
import dev.orchestrator.schemas.Topic;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.topology.emit.Nodes;
import dev.orchestrator.topology.engine.EngineInput;
import dev.orchestrator.topology.engine.EngineProcessor;
import dev.orchestrator.topology.engine.Taggers;
import dev.orchestrator.topology.errors.FailedRecordHandler;
import dev.orchestrator.topology.errors.OutputFailureHandler;
import dev.orchestrator.topology.errors.UndecodableRecordHandler;
import dev.orchestrator.topology.normalize.Normalizer;
import dev.orchestrator.topology.payments.LedgerInput;
import dev.orchestrator.topology.payments.PaymentsTopology;
import dev.orchestrator.topology.routing.RoutePartitioner;
import dev.orchestrator.topology.routing.Routed;
import dev.orchestrator.topology.serde.InternalSerde;
import dev.orchestrator.topology.state.EngineStores;
import dev.orchestrator.topology.task.LocalTasks;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;

/**
 * The decision path of DESIGN.md section 3, built in one place for main, the bench and the tests.
 * One sub-topology: task p reads partition p of every input topic, so it owns the units (and
 * consumers, providers, demands) whose ids hash to p, decides the demands that arrive on p against
 * its own units, and talks to the other tasks over the route topic. A placement that fits where it
 * arrives is one exactly-once transaction.
 */
public final class DecisionTopology {
    /** The topology's one stateful node. */
    public static final String ENGINE = Nodes.ENGINE;

    private DecisionTopology() {
    }

    /**
     * Settings the topology relies on: a record that cannot be decoded, makes the engine throw, or
     * cannot be written is logged, dead-lettered (bounded: a large value is referenced, not copied) and
     * skipped, so no single record stops the stream.
     */
    public static Map<String, Object> requiredConfig(final Topics topics) {
        return Map.of(
                StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.dlq.name(),
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, UndecodableRecordHandler.class,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, FailedRecordHandler.class,
                StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, OutputFailureHandler.class);
    }

    /** The topology for {@code streamsConfig}, which must include {@link #requiredConfig}. */
    public static Topology build(final Topics topics, final EngineSettings settings, final Properties streamsConfig) {
        return build(topics, settings, streamsConfig, new LocalTasks());
    }

    /** With {@code local} told which engine tasks run here, for the read API; the pay stage included when payments are on. */
    public static Topology build(final Topics topics, final EngineSettings settings, final Properties streamsConfig,
                                 final LocalTasks local) {
        return build(topics, settings, streamsConfig, local, true);
    }

    /**
     * As {@link #build(Topics, EngineSettings, Properties, LocalTasks)}; {@code withLedger} false leaves the pay
     * stage out (the engine still writes to the ledger's topic), for an instance that runs the ledger as a
     * Streams application of its own ({@link PaymentsTopology#build}), on a thread that is not shared with the
     * engine's tasks.
     */
    public static Topology build(final Topics topics, final EngineSettings settings, final Properties streamsConfig,
                                 final LocalTasks local, final boolean withLedger) {
        final Topology topology = new Topology(new TopologyConfig(new StreamsConfig(streamsConfig)));
        final Normalizer normalizer = new Normalizer(settings.regions(), settings.currency());
        // Every input arrives as its own type; the engine task takes them all, partition by partition
        final String[] inputs = {
            source(topology, topics.demand, EngineInput.DemandIn::new),
            source(topology, topics.dataUnit, EngineInput.UnitEventIn::new),
            source(topology, topics.telemetry, EngineInput.TelemetryIn::new),
            source(topology, topics.policy, EngineInput.PolicyIn::new),
            source(topology, topics.sla, EngineInput.SlaIn::new),
            source(topology, topics.outcomes, EngineInput.OutcomeIn::new),
            routeSource(topology, topics)};
        topology.addProcessor(ENGINE, () -> new EngineProcessor(settings, topics, normalizer, local), inputs);
        EngineStores.builders().forEach(store -> topology.addStateStore(store, ENGINE));
        // Everything a task writes: decisions, commands, audit, metrics, dead letters, and messages to other tasks
        sink(topology, Nodes.ALLOCATIONS, topics.allocations);
        sink(topology, Nodes.COMMANDS, topics.commands);
        sink(topology, Nodes.AUDIT, topics.audit);
        sink(topology, Nodes.METRICS, topics.metrics);
        sink(topology, Nodes.DLQ, topics.dlq);
        topology.addSink(Nodes.ROUTE, topics.route.name(), Serdes.String().serializer(),
                InternalSerde.of(Routed.class).serializer(), new RoutePartitioner(), ENGINE);
        StacksTopology.add(topology, topics, ENGINE);
        if (settings.payments().enabled()) {
            topology.addSink(Nodes.LEDGER, topics.ledger.name(), Serdes.String().serializer(),
                    InternalSerde.of(LedgerInput.class).serializer(), ENGINE);
            if (withLedger) {
                PaymentsTopology.add(topology, topics, settings.payments());
            }
        }
        return topology;
    }

    private static <V> String source(final Topology topology, final Topic<String, V> topic,
                                     final Function<V, EngineInput> tag) {
        final String name = topic.name() + "-source";
        topology.addSource(name, topic.keySerde().deserializer(), topic.valueSerde().deserializer(), topic.name());
        topology.addProcessor(topic.name() + "-in", Taggers.of(tag), name);
        return topic.name() + "-in";
    }

    private static String routeSource(final Topology topology, final Topics topics) {
        final String name = topics.route.name() + "-source";
        topology.addSource(name, Serdes.String().deserializer(), InternalSerde.of(Routed.class).deserializer(),
                topics.route.name());
        topology.addProcessor(topics.route.name() + "-in", Taggers.<Routed>of(EngineInput.RoutedIn::new), name);
        return topics.route.name() + "-in";
    }

    private static <K, V> void sink(final Topology topology, final String name, final Topic<K, V> topic) {
        topology.addSink(name, topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(), ENGINE);
    }
}
