package dev.orchestrator.topology.errors;

import dev.orchestrator.schemas.DeadLetter;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/** Where an error handler's dead letter goes: back to Streams, which writes it in the task's transaction. */
final class DeadLetterRouting {
    private String deadLetterTopic;

    void configure(final Map<String, ?> configs) {
        final Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        deadLetterTopic = topic == null ? null : topic.toString();
    }

    String deadLetterTopic() {
        return deadLetterTopic;
    }

    boolean isDeadLetterTopic(final String topic) {
        return topic != null && topic.equals(deadLetterTopic);
    }

    /** The records to hand back to Streams: the dead letter, when a dead-letter topic is configured. */
    List<ProducerRecord<byte[], byte[]>> route(final ErrorHandlerContext context, final DeadLetter letter) {
        if (deadLetterTopic == null) {
            return List.of();
        }
        final Long timestamp = context.timestamp() >= 0 ? context.timestamp() : null;
        return List.of(new ProducerRecord<>(deadLetterTopic, null, timestamp, letter.key(), letter.value(), letter.headers()));
    }
}
