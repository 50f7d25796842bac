package dev.orchestrator.app.bench;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The ceiling: a Kafka Streams app that only copies the same demand records, with the same
 * processing guarantee, on the same broker. The engine's rate is reported against it.
 */
final class PassThroughBaseline {
    private PassThroughBaseline() {
    }

    /** Records per second copied from {@code source} to {@code sink}; {@code expected} records in all. */
    static double measure(final String bootstrap, final Map<String, String> clientSettings, final String source, final String sink,
                          final long expected, final String guarantee, final String stateDir) {
        final Map<String, Object> admins = new java.util.HashMap<>(clientSettings);
        admins.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(admins)) {
            final int partitions = admin.describeTopics(List.of(source)).allTopicNames().get().get(source).partitions().size();
            admin.createTopics(List.of(new NewTopic(sink, Optional.of(partitions), Optional.empty()))).all().get();
            dev.orchestrator.app.kafka.PartitionsServing.await(admin, List.of(sink), java.time.Duration.ofSeconds(30));
        } catch (final java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot create the baseline's topic " + sink + ": " + e.getCause().getMessage());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        final StreamsBuilder builder = new StreamsBuilder();
        builder.stream(source, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .to(sink, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        final Properties props = new Properties();
        props.putAll(clientSettings);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "passthrough-" + UUID.randomUUID());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        final KafkaStreams streams = new KafkaStreams(builder.build(), props);
        streams.start();
        long copied = 0;
        long first = 0;
        long last = 0;
        final Map<String, Object> reader = new java.util.HashMap<>(clientSettings);
        reader.putAll(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG,
                "baseline-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(reader, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(sink));
            final long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (copied < expected && System.nanoTime() < deadline) {
                final int count = consumer.poll(Duration.ofMillis(200)).count();
                if (count > 0) {
                    // from the first copy on: start-up and the first rebalance are not throughput
                    first = first == 0 ? System.nanoTime() : first;
                    last = System.nanoTime();
                    copied += count;
                }
            }
        } finally {
            streams.close(CloseOptions.timeout(Duration.ofSeconds(30)));
        }
        return last > first ? copied / ((last - first) / 1e9) : 0;
    }
}
