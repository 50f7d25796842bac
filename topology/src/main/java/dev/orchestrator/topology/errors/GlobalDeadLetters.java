package dev.orchestrator.topology.errors;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer that writes dead letters of global-store records, one per engine, shared by its error
 * handlers (Streams creates and never closes those) and closed by the engine's owner after Streams:
 * a producer left open keeps reconnecting to a broker that has gone.
 */
public final class GlobalDeadLetters implements AutoCloseable {
    /** The Streams setting that hands this object to the error handlers. */
    public static final String CONFIG = "orchestrator.global.dead.letters";
    private static final Logger LOG = LoggerFactory.getLogger(GlobalDeadLetters.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private KafkaProducer<byte[], byte[]> producer;
    private boolean closed;

    /** Sends {@code record}, creating the producer from {@code settings} on first use; never throws. */
    synchronized void send(final Map<String, Object> settings, final ProducerRecord<byte[], byte[]> record) {
        if (closed) {
            LOG.warn("dead letter not written topic={} reason=the engine is closing", record.topic());
            return;
        }
        try {
            if (producer == null) {
                producer = new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer());
            }
            producer.send(record, (metadata, e) -> {
                if (e != null) {
                    LOG.warn("dead letter not written topic={} reason={}", record.topic(), e.getMessage());
                }
            });
        } catch (final RuntimeException e) {
            // a dead letter that cannot be written must not stop the global thread either
            LOG.warn("dead letter not written topic={} reason={}", record.topic(), e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (producer != null) {
            producer.close(CLOSE_TIMEOUT);
            producer = null;
        }
    }
}
