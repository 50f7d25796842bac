package dev.orchestrator.connectors.executor;

import dev.orchestrator.avro.ExecutionJob;
import dev.orchestrator.avro.ExecutionOutcome;
import dev.orchestrator.schemas.DeadLetter;
import dev.orchestrator.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Where the executor writes: outcomes (which close the loop in the engine), job states (for operators)
 * and dead letters. Sends do not wait: the caller's callback hears the broker's acknowledgement, and
 * only then may the command's offset be committed, so a crash in between repeats the job rather than
 * losing its report, and no job thread sits idle waiting for a batch to fill.
 */
final class ExecutorOutputs implements AutoCloseable {
    private static final long ACK_TIMEOUT_SECONDS = 30;
    private final Topics topics;
    private final KafkaProducer<byte[], byte[]> producer;

    ExecutorOutputs(final Topics topics, final String bootstrap, final Map<String, Object> overrides, final String clientId) {
        this.topics = topics;
        final Map<String, Object> settings = new HashMap<>(overrides);
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        this.producer = new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Job states are for people: sent without waiting, in order per command. */
    void job(final ExecutionJob job) {
        final String topic = topics.jobs.name();
        producer.send(new ProducerRecord<>(topic, bytes(job.getCommandId()),
                topics.jobs.valueSerde().serializer().serialize(topic, job)));
    }

    /** Sends the outcome; {@code acknowledged} hears when the broker has it (or why not). */
    void outcome(final ExecutionOutcome outcome, final Callback acknowledged) {
        final String topic = topics.outcomes.name();
        producer.send(new ProducerRecord<>(topic, bytes(outcome.getCommandId()),
                topics.outcomes.valueSerde().serializer().serialize(topic, outcome)), acknowledged);
    }

    /**
     * The command as it arrived, with why it failed and where it is, and waits for the acknowledgement.
     * A value too large to copy is left out: the source topic, partition and offset still lead to it.
     */
    Future<RecordMetadata> deadLetter(final String sourceTopic, final int partition, final long offset, final byte[] key,
                                      final byte[] value, final String reason, final String message, final Callback acknowledged) {
        final DeadLetter letter = DeadLetter.of(sourceTopic, partition, offset, key, value, reason, "", message);
        return producer.send(new ProducerRecord<>(topics.dlq.name(), null, letter.key(), letter.value(), letter.headers()),
                acknowledged);
    }

    /** Waits for a send, for the rare records handled on the worker's own thread. */
    static void await(final Future<?> sent) throws InterruptedException {
        try {
            sent.get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (final ExecutionException e) {
            throw new IllegalStateException("the broker refused a record: " + e.getCause().getMessage(), e.getCause());
        } catch (final TimeoutException e) {
            throw new IllegalStateException("no acknowledgement from the broker within " + ACK_TIMEOUT_SECONDS + " s", e);
        }
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
