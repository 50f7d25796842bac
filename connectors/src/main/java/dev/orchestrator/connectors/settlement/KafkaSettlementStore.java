package dev.orchestrator.connectors.settlement;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.errors.RetriableException;

/**
 * Settlement records on the compacted {@code settlements.v1}, read whole at start and written
 * through: {@link #put} returns only once the broker has the record (all in-sync replicas), so an
 * envelope is durable before it is submitted.
 */
public final class KafkaSettlementStore implements Settler.Store, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WRITE_TIMEOUT_SECONDS = 30;

    private final String topic;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<String, SettlementRecord> records = new HashMap<>();

    public KafkaSettlementStore(final String topic, final Map<String, Object> clients) {
        this.topic = topic;
        final Map<String, Object> producing = new HashMap<>(clients);
        producing.put(ProducerConfig.ACKS_CONFIG, "all");
        producing.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producing.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        this.producer = new KafkaProducer<>(producing, new StringSerializer(), new ByteArraySerializer());
        load(clients);
    }

    private void load(final Map<String, Object> clients) {
        final Map<String, Object> consuming = new HashMap<>(clients);
        consuming.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consuming.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consuming, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() == null) {
                        records.remove(record.key());
                    } else {
                        records.put(record.key(), decode(record.value()));
                    }
                }
            }
        }
    }

    /** A copy of every record, for reconciliation. */
    public synchronized java.util.List<SettlementRecord> all() {
        return java.util.List.copyOf(records.values());
    }

    /** Records read and written so far. */
    public synchronized int size() {
        return records.size();
    }

    @Override
    public synchronized SettlementRecord get(final String paymentId) {
        return records.get(paymentId);
    }

    @Override
    public synchronized void put(final SettlementRecord record) {
        try {
            producer.send(new ProducerRecord<>(topic, record.paymentId(), JSON.writeValueAsBytes(record)))
                    .get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (final IOException | ExecutionException | TimeoutException e) {
            // not stored means not submitted: the batch is delivered again and starts from what is stored
            throw new RetriableException("cannot store the settlement of " + record.paymentId() + ": " + e.getMessage(), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted while storing the settlement of " + record.paymentId(), e);
        }
        records.put(record.paymentId(), record);
    }

    private static SettlementRecord decode(final byte[] value) {
        try {
            return JSON.readValue(value, SettlementRecord.class);
        } catch (final IOException e) {
            throw new IllegalStateException("settlements.v1 holds a record this worker cannot read: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
