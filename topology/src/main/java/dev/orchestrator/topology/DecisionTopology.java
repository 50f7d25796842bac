package dev.orchestrator.topology;

import dev.orchestrator.schemas.Topic;
import dev.orchestrator.schemas.Topics;
import org.apache.kafka.common.utils.Bytes;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import dev.orchestrator.topology.normalize.UndecodableRecordHandler;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The decision path of DESIGN.md section 3, built in one place for main, the bench and the tests.
 * So far it holds the operator tables (policies, SLAs) that admission and scoring read; the
 * normalize, admit, score, reserve and emit steps are issue 3 and are not here yet.
 */
public final class DecisionTopology {
    private DecisionTopology() {
    }

    /**
     * Settings the topology relies on: records that cannot be decoded are logged, copied untouched to
     * the dead-letter topic by Streams' built-in DLQ, and skipped, so bad input never stops the stream.
     */
    public static Map<String, Object> requiredConfig(final Topics topics) {
        return Map.of(
                StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.dlq.name(),
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, UndecodableRecordHandler.class,
                // the default changes in Kafka 5.0; choose it now so upgrades change nothing
                "processing.exception.handler.global.enabled", true);
    }

    /** The topology for {@code streamsConfig}, which must include {@link #requiredConfig}. */
    public static Topology build(final Topics topics, final Properties streamsConfig) {
        final StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(streamsConfig)));
        // Operators' policies, one per consumer: quotas, budget, weights
        table(builder, topics.policy, StoreNames.POLICIES);
        // SLA terms that placements and the watchdog check against
        table(builder, topics.sla, StoreNames.SLAS);
        return builder.build();
    }

    private static <V> void table(final StreamsBuilder builder, final Topic<String, V> topic, final String store) {
        builder.table(topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde()).withName("read-" + store),
                Materialized.<String, V, KeyValueStore<Bytes, byte[]>>as(store)
                        .withKeySerde(topic.keySerde())
                        .withValueSerde(topic.valueSerde()));
    }
}
