package dev.orchestrator.topology.payments;

import dev.orchestrator.schemas.Topics;
import dev.orchestrator.topology.routing.RoutePartitioner;
import dev.orchestrator.topology.routing.Routed;
import dev.orchestrator.topology.serde.InternalSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;

/**
 * The pay stage's two sub-topologies: the funds intake (funds.v1, every partition, into the ledger's
 * topic) and the ledger (its one-partition topic, into payments.v1 and, for allocations nobody pays
 * for, demand.v1). The engine writes to the ledger's topic from its own sink.
 */
public final class PaymentsTopology {
    /** The ledger's processor node. */
    public static final String LEDGER = "escrow-ledger";
    private static final String INTAKE = "funds-intake";

    private PaymentsTopology() {
    }

    /** The pay stage alone, as a Streams application of its own (its own consumer group and stream thread). */
    public static Topology build(final Topics topics, final PaymentSettings settings, final java.util.Properties streamsConfig) {
        final Topology topology = new Topology(new org.apache.kafka.streams.TopologyConfig(
                new org.apache.kafka.streams.StreamsConfig(streamsConfig)));
        add(topology, topics, settings);
        return topology;
    }

    /** Adds the pay stage to {@code topology}. */
    public static void add(final Topology topology, final Topics topics, final PaymentSettings settings) {
        topology.addSource("funds-source", topics.funds.keySerde().deserializer(), topics.funds.valueSerde().deserializer(),
                topics.funds.name());
        topology.addProcessor(INTAKE, () -> new FundsIntake(topics, settings.currency()), "funds-source");
        topology.addSink(FundsIntake.LEDGER_SINK, topics.ledger.name(), Serdes.String().serializer(),
                InternalSerde.of(LedgerInput.class).serializer(), INTAKE);
        topology.addSink(FundsIntake.DLQ_SINK, topics.dlq.name(), Serdes.ByteArray().serializer(),
                Serdes.ByteArray().serializer(), INTAKE);

        topology.addSource("ledger-source", Serdes.String().deserializer(), InternalSerde.of(LedgerInput.class).deserializer(),
                topics.ledger.name());
        topology.addProcessor(LEDGER, () -> new LedgerProcessor(settings, topics), "ledger-source");
        LedgerStores.builders().forEach(store -> topology.addStateStore(store, LEDGER));
        topology.addSink(LedgerProcessor.PAYMENTS_SINK, topics.payments.name(), topics.payments.keySerde().serializer(),
                topics.payments.valueSerde().serializer(), LEDGER);
        topology.addSink(LedgerProcessor.RELEASES_SINK, topics.demand.name(), topics.demand.keySerde().serializer(),
                topics.demand.valueSerde().serializer(), LEDGER);
        topology.addSink(LedgerProcessor.DLQ_SINK, topics.dlq.name(), Serdes.ByteArray().serializer(),
                Serdes.ByteArray().serializer(), LEDGER);
        topology.addSink(LedgerProcessor.FUNDS_SINK, topics.route.name(), Serdes.String().serializer(),
                InternalSerde.of(Routed.class).serializer(), new RoutePartitioner(), LEDGER);
    }
}
