package dev.orchestrator.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node KRaft broker, started once per test class:
 * {@code @RegisterExtension static final TestKafka KAFKA = new TestKafka();}.
 */
public final class TestKafka implements BeforeAllCallback, AfterAllCallback {
    private KafkaClusterTestKit cluster;
    private Admin admin;

    @Override
    public void beforeAll(final ExtensionContext context) throws Exception {
        final TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build();
        cluster = new KafkaClusterTestKit.Builder(nodes)
                // one broker: internal topics cannot have more than one replica
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        final Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        admin = Admin.create(props);
    }

    @Override
    public void afterAll(final ExtensionContext context) throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    public Admin admin() {
        return admin;
    }

    /** Creates topics with one replica and {@code partitions} partitions each. */
    public void createTopics(final int partitions, final String... names) throws ExecutionException, InterruptedException {
        final List<NewTopic> topics = java.util.Arrays.stream(names)
                .map(name -> new NewTopic(name, partitions, (short) 1))
                .toList();
        admin.createTopics(topics).all().get();
        awaitLeaders(List.of(names));
    }

    /**
     * Until every partition of {@code names} answers list-offsets on its leader: a producer writing to a
     * partition the broker describes but does not serve yet can lose its first batch (KAFKA-15591).
     */
    private void awaitLeaders(final List<String> names) throws ExecutionException, InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                admin.describeTopics(names).allTopicNames().get().forEach((name, description) -> description.partitions()
                        .forEach(p -> latest.put(new TopicPartition(name, p.partition()),
                                OffsetSpec.latest())));
                admin.listOffsets(latest).all().get();
                return;
            } catch (final ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * Reads {@code topic} from the beginning with {@code read_committed} until {@code expected} records
     * arrived or {@code timeout} passed, whichever is first; returns what it read.
     */
    public <K, V> List<ConsumerRecord<K, V>> readCommitted(final String topic, final int expected,
                                                           final Deserializer<K> keys, final Deserializer<V> values,
                                                           final Duration timeout) {
        return readCommittedUntil(topic, keys, values, timeout, records -> records.size() >= expected);
    }

    /** Like {@link #readCommitted}, until {@code done} says what was read is enough. */
    public <K, V> List<ConsumerRecord<K, V>> readCommittedUntil(final String topic, final Deserializer<K> keys,
                                                                final Deserializer<V> values, final Duration timeout,
                                                                final Predicate<List<ConsumerRecord<K, V>>> done) {
        final Map<String, Object> config = new HashMap<>(clientConfig());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, keys, values)) {
            consumer.subscribe(List.of(topic));
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(records) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    /** Client settings that reach this broker, to add to a producer's or consumer's own. */
    public Map<String, Object> clientConfig() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    }
}
