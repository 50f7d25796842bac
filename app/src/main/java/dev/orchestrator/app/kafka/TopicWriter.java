package dev.orchestrator.app.kafka;

import dev.orchestrator.schemas.Topic;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** A producer that writes any of the product's topics with that topic's own value serde. */
public final class TopicWriter implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;

    /** {@code settings}: extra producer settings, e.g. linger and batch size for load. */
    public TopicWriter(final String bootstrap, final Map<String, Object> settings) {
        final Map<String, Object> config = new HashMap<>(settings);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    public <V> void send(final Topic<String, V> topic, final String key, final V value) {
        producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), value)));
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
