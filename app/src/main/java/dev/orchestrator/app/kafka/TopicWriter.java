package dev.orchestrator.app.kafka;

import dev.orchestrator.schemas.Topic;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A producer that writes any of the product's topics with that topic's own value serde. */
public final class TopicWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicWriter.class);
    private final KafkaProducer<String, byte[]> producer;
    private final AtomicLong failures = new AtomicLong();

    /** {@code settings}: extra producer settings, e.g. linger and batch size for load. */
    public TopicWriter(final String bootstrap, final Map<String, Object> settings) {
        final Map<String, Object> config = new HashMap<>(settings);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    public <V> void send(final Topic<String, V> topic, final String key, final V value) {
        producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), value)),
                (metadata, error) -> {
                    // a lost record must not pass unseen: the first loss is logged, every one counted
                    if (error != null && failures.getAndIncrement() == 0) {
                        LOG.warn("write failed topic={} error={}", topic.name(), error.toString());
                    }
                });
    }

    /** Records whose write failed (after the producer's own retries) since this writer was opened. */
    public long failures() {
        return failures.get();
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
