package dev.orchestrator.app.verify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads every committed record of a topic, from the beginning to the end it has now or had when frozen. */
final class TopicReader {
    private final Map<String, Object> config;
    private final Map<TopicPartition, Long> frozen = new HashMap<>();

    TopicReader(final String bootstrap, final Map<String, String> clientSettings) {
        config = new HashMap<>(clientSettings);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    }

    /** Whether {@code topic} exists. */
    boolean exists(final String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            return consumer.listTopics(Duration.ofSeconds(30)).containsKey(topic);
        }
    }

    /**
     * Takes the committed end of every partition of {@code topics} (those that exist) in one request
     * round, so the reads that follow stop at one cut of a cluster that is still writing: a unit's
     * changes are spread over the decision and audit topics and the changelogs, and reading each to
     * its own later end would show a change without the ones before it.
     */
    void freeze(final Collection<String> topics) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            final Map<String, List<PartitionInfo>> existing = consumer.listTopics(Duration.ofSeconds(30));
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final String topic : topics) {
                existing.getOrDefault(topic, List.of()).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            frozen.putAll(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
        }
    }

    /** Hands every record to {@code handler}, up to the frozen end when there is one; returns how many there were. */
    long readAll(final String topic, final Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            partitions.forEach(p -> end.computeIfPresent(p, (tp, now) -> frozen.getOrDefault(tp, now)));
            long count = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        handler.accept(record);
                        count++;
                    }
                }
            }
            return count;
        }
    }
}
