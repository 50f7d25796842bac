package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.Policy;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.schemas.serde.InProcessSchemaRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DecisionTopologyTest {
    private final Topics topics = Topics.create("", InProcessSchemaRegistry.inMemory());
    private final Properties config = config();
    private final TopologyTestDriver driver = new TopologyTestDriver(DecisionTopology.build(topics, config), config);

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void keepsTheLatestPolicyPerConsumerAndForgetsOnTombstone() {
        final TestInputTopic<String, Policy> policies = driver.createInputTopic(topics.policy.name(),
                topics.policy.keySerde().serializer(), topics.policy.valueSerde().serializer());
        final KeyValueStore<String, Policy> store = driver.getKeyValueStore(StoreNames.POLICIES);

        policies.pipeInput("c-1", policy("c-1", 3));
        policies.pipeInput("c-1", policy("c-1", 5));
        policies.pipeInput("c-2", policy("c-2", 1));
        assertThat(store.get("c-1").getMaxUnits()).isEqualTo(5);

        policies.pipeInput("c-2", (Policy) null);
        assertThat(store.get("c-2")).isNull();
    }

    @Test
    void sendsUndecodableRecordsToTheDeadLetterTopicAndGoesOn() {
        final TestInputTopic<String, byte[]> raw = driver.createInputTopic(topics.policy.name(),
                new StringSerializer(), new ByteArraySerializer());
        final TestInputTopic<String, Policy> policies = driver.createInputTopic(topics.policy.name(),
                topics.policy.keySerde().serializer(), topics.policy.valueSerde().serializer());

        raw.pipeInput("c-9", "not avro".getBytes());
        policies.pipeInput("c-1", policy("c-1", 2));

        final List<TestRecord<byte[], byte[]>> dead = driver.createOutputTopic(topics.dlq.name(),
                topics.dlq.keySerde().deserializer(), topics.dlq.valueSerde().deserializer()).readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).value()).isEqualTo("not avro".getBytes());
        assertThat(dead.get(0).headers().lastHeader("__streams.errors.exception")).isNotNull();
        assertThat(driver.<String, Policy>getKeyValueStore(StoreNames.POLICIES).get("c-1")).isNotNull();
    }

    private Properties config() {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.putAll(DecisionTopology.requiredConfig(topics));
        return props;
    }

    private static Policy policy(final String consumer, final int maxUnits) {
        return Policy.newBuilder().setConsumerId(consumer).setMaxUnits(maxUnits).setUpdatedAt(Instant.EPOCH).build();
    }
}
