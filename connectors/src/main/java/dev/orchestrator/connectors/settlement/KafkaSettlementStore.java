package dev.orchestrator.connectors.settlement;

import com.fasterxml.jackson.databind.DeserializationFeature;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settlement records on the compacted {@code settlements.v1}, read whole at start and written
 * through: {@link #put} returns only once the broker has the record (all in-sync replicas), so an
 * envelope is durable before it is submitted. A record this worker cannot read, or one that
 * contradicts itself, does not stop the worker: its payment is held as FAILED with the reason, so it
 * is reported (reconciliation turns it into a drift) and never paid again on a guess.
 */
public final class KafkaSettlementStore implements Settler.Store, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSettlementStore.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final long WRITE_TIMEOUT_SECONDS = 30;
    /** Payment ids are at most 200 characters everywhere; a longer key is not one. */
    static final int MAX_KEY = 200;
    /** A record holds one envelope of a few operations: far below this. */
    static final int MAX_VALUE_BYTES = 64 * 1024;
    private static final int LOGGED_UNREADABLE = 10;
    private static final java.util.regex.Pattern HASH = java.util.regex.Pattern.compile("[0-9a-f]{64}");
    private static final java.util.regex.Pattern BASE64 = java.util.regex.Pattern.compile("[A-Za-z0-9+/]+={0,2}");

    private final String topic;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<String, SettlementRecord> records = new HashMap<>();
    private int unreadable;

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
                    load(record.offset(), record.key(), record.value());
                }
            }
        }
        if (unreadable > 0) {
            LOG.warn("settlements.v1: {} records could not be read; their payments are held as FAILED and reported, "
                    + "never settled again on a guess", unreadable);
        }
    }

    private void load(final long offset, final String key, final byte[] value) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY) {
            skipped(offset, "its key is not a payment id");
            return;
        }
        if (value == null) {
            records.remove(key);
            return;
        }
        try {
            records.put(key, read(key, value));
        } catch (final IllegalArgumentException e) {
            skipped(offset, e.getMessage());
            records.put(key, new SettlementRecord(key, SettlementRecord.State.FAILED, "", "", 0, "", 0,
                    "unreadable settlement record at offset " + offset + ": " + e.getMessage()));
        }
    }

    private void skipped(final long offset, final String why) {
        if (++unreadable <= LOGGED_UNREADABLE) {
            LOG.warn("settlements.v1 offset {}: {}", offset, why);
        }
    }

    /** Records that could not be read at start. */
    public synchronized int unreadable() {
        return unreadable;
    }

    /**
     * The record stored under {@code key}, checked as far as it can be without the network: its payment
     * id is its key, its hash and envelope have their shapes, its generation counts from 1.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static SettlementRecord read(final String key, final byte[] value) {
        if (value.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("value of " + value.length + " bytes, more than " + MAX_VALUE_BYTES);
        }
        final SettlementRecord record;
        try {
            record = JSON.readValue(value, SettlementRecord.class);
        } catch (final IOException e) {
            throw new IllegalArgumentException("not a settlement record: " + clip(e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                    ? String.valueOf(j.getOriginalMessage()) : e.toString()));
        }
        if (record == null) {
            throw new IllegalArgumentException("not a settlement record: null");
        }
        if (!key.equals(record.paymentId())) {
            throw new IllegalArgumentException("paymentId does not match the record's key");
        }
        if (record.state() == null) {
            throw new IllegalArgumentException("state is missing");
        }
        if (record.hash() == null || !HASH.matcher(record.hash()).matches()) {
            throw new IllegalArgumentException("hash is not 64 hex digits");
        }
        if (record.envelopeXdr() == null || record.envelopeXdr().length() > MAX_VALUE_BYTES
                || !BASE64.matcher(record.envelopeXdr()).matches()) {
            throw new IllegalArgumentException("envelopeXdr is not base64");
        }
        if (record.generation() < 1 || record.maxTime() < 0) {
            throw new IllegalArgumentException("generation " + record.generation() + " or maxTime " + record.maxTime()
                    + " out of range");
        }
        return new SettlementRecord(record.paymentId(), record.state(), record.hash(), record.envelopeXdr(), record.maxTime(),
                record.balanceId() == null ? "" : record.balanceId(), record.generation(),
                record.detail() == null ? "" : record.detail());
    }

    private static String clip(final String text) {
        return text.length() > 160 ? text.substring(0, 160) + "..." : text;
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

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
