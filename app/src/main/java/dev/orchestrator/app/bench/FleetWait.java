package dev.orchestrator.app.bench;

import dev.orchestrator.schemas.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Waits until the engine has registered every unit of the fleet (each registration is the unit's first
 * audit event), then a moment for the tasks to tell each other what their pools hold.
 */
public final class FleetWait {
    private FleetWait() {
    }

    public static void await(final String bootstrap, final Topics topics, final long units, final PrintStream out)
            throws InterruptedException {
        await(bootstrap, Map.of(), topics, units, out);
    }

    /** As {@link #await(String, Topics, long, PrintStream)}, with the Kafka client settings (security) of {@code clientSettings}. */
    public static void await(final String bootstrap, final Map<String, String> clientSettings, final Topics topics, final long units,
                             final PrintStream out) throws InterruptedException {
        final Map<String, Object> props = new java.util.HashMap<>(clientSettings);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // committed records, counted one by one: end offsets would count the transactions' commit markers too, and
        // say the fleet is registered while a task that started late has registered none of its units
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topics.audit.name(), Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            long registered = 0;
            long shown = System.nanoTime();
            while (registered < units && System.nanoTime() < deadline) {
                registered += consumer.poll(Duration.ofMillis(200)).count();
                if (System.nanoTime() - shown > 500_000_000L || registered >= units) {
                    out.printf("\r... waiting for the engine to register the fleet: %,d of %,d", Math.min(registered, units), units);
                    shown = System.nanoTime();
                }
            }
            out.println();
        } catch (final org.apache.kafka.common.KafkaException e) {
            throw new IllegalStateException("cannot read " + topics.audit.name() + ": " + e.getMessage(), e);
        }
        // pool summaries go out every half second: every task knows the others' pools after a couple of them
        Thread.sleep(2_000);
    }
}
