package dev.orchestrator.topology.stackflow;

import dev.orchestrator.schemas.Topics;
import dev.orchestrator.topology.emit.Nodes;
import dev.orchestrator.topology.serde.InternalSerde;
import dev.orchestrator.topology.stacks.StackInput;
import dev.orchestrator.topology.stacks.StackRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The stack stage: requests and outcomes from {@code stacks.input} into the stack engine, whose store
 * holds every stack, and the demands it makes into {@code demand.v1}, where the engine decides them
 * like any other. The engine's own sink writes the outcomes of stack demands back to {@code stacks.input}.
 */
public final class StacksTopology {
    /** The stack engine's processor node. */
    public static final String ENGINE = "stack-engine";
    /** The store of every stack, keyed by stack id. */
    public static final String STORE = dev.orchestrator.topology.StoreNames.STACKS;

    private StacksTopology() {
    }

    /** Adds the stack stage to {@code topology}, and the engine's sink for outcomes of stack demands to {@code engine}. */
    public static void add(final Topology topology, final Topics topics, final String engine) {
        topology.addSink(Nodes.STACKS, topics.stacks.name(), Serdes.String().serializer(),
                InternalSerde.of(StackInput.class).serializer(), engine);
        topology.addSource("stacks-source", Serdes.String().deserializer(), InternalSerde.of(StackInput.class).deserializer(),
                topics.stacks.name());
        topology.addProcessor(ENGINE, () -> new StackProcessor(topics), "stacks-source");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                InternalSerde.of(StackRecord.class)), ENGINE);
        topology.addSink(StackProcessor.DEMANDS_SINK, topics.demand.name(), topics.demand.keySerde().serializer(),
                topics.demand.valueSerde().serializer(), ENGINE);
        topology.addSink(StackProcessor.COMMANDS_SINK, topics.commands.name(), topics.commands.keySerde().serializer(),
                topics.commands.valueSerde().serializer(), ENGINE);
        topology.addSink(StackProcessor.DLQ_SINK, topics.dlq.name(), Serdes.ByteArray().serializer(),
                Serdes.ByteArray().serializer(), ENGINE);
    }
}
