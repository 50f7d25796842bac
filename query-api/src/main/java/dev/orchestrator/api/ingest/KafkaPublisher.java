package dev.orchestrator.api.ingest;

import dev.orchestrator.api.query.Unavailable;
import dev.orchestrator.schemas.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes HTTP-accepted records with an idempotent producer, waiting for the broker's acknowledgement
 * so that a 202 means the record is in Kafka. Serialization happens before sending, so a record that
 * cannot be encoded is never half-sent. A broker that does not answer within {@code timeout} is a 503.
 */
public final class KafkaPublisher implements Publisher {
    private final KafkaProducer<byte[], byte[]> producer;
    private final Duration timeout;

    public KafkaPublisher(final Map<String, Object> clientConfig, final Duration timeout) {
        final Map<String, Object> props = new HashMap<>(clientConfig);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis() * 2);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "orchestrator-http-ingest");
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.timeout = timeout;
    }

    @Override
    public <V> void publish(final Topic<String, V> topic, final String key, final V value, final Map<String, String> headers) {
        final byte[] keyBytes = topic.keySerde().serializer().serialize(topic.name(), key);
        final byte[] valueBytes = topic.valueSerde().serializer().serialize(topic.name(), value);
        try {
            final ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic.name(), keyBytes, valueBytes);
            headers.forEach((name, text) -> record.headers().add(name, text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            producer.send(record).get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (final ExecutionException e) {
            throw new Unavailable("Kafka did not take the record: " + e.getCause().getMessage());
        } catch (final TimeoutException | KafkaException e) {
            throw new Unavailable("Kafka is unreachable: " + e.getMessage());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while producing");
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
