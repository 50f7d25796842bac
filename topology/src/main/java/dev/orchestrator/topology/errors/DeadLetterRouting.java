package dev.orchestrator.topology.errors;

import dev.orchestrator.schemas.DeadLetter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Where an error handler's dead letter goes. A stream task hands it back to Streams, which writes it
 * in the task's transaction. The global thread cannot: Streams casts its context to a record
 * collector it does not have and dies (so a bad record on a compacted global topic stopped the
 * engine for good). Records of the global topics therefore go through the engine's {@link GlobalDeadLetters}.
 */
final class DeadLetterRouting {
    /** The setting that names the topics read by global stores, comma-separated. */
    static final String GLOBAL_TOPICS_CONFIG = "orchestrator.global.topics";

    private String deadLetterTopic;
    private final Set<String> globalTopics = new HashSet<>();
    private Map<String, Object> producerSettings = Map.of();
    private GlobalDeadLetters globalDeadLetters;

    void configure(final Map<String, ?> configs) {
        final Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        deadLetterTopic = topic == null ? null : topic.toString();
        final Object globals = configs.get(GLOBAL_TOPICS_CONFIG);
        if (globals != null) {
            Arrays.stream(globals.toString().split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .forEach(globalTopics::add);
        }
        producerSettings = producerSettings(configs);
        if (configs.get(GlobalDeadLetters.CONFIG) instanceof GlobalDeadLetters shared) {
            globalDeadLetters = shared;
        } else if (!globalTopics.isEmpty()) {
            throw new IllegalStateException(GLOBAL_TOPICS_CONFIG + " needs " + GlobalDeadLetters.CONFIG
                    + ": the producer that writes those topics' dead letters");
        }
    }

    String deadLetterTopic() {
        return deadLetterTopic;
    }

    boolean isDeadLetterTopic(final String topic) {
        return topic != null && topic.equals(deadLetterTopic);
    }

    /**
     * The records to hand back to Streams: the dead letter for a task, nothing for the global thread
     * (whose letter is sent here instead).
     */
    List<ProducerRecord<byte[], byte[]>> route(final ErrorHandlerContext context, final DeadLetter letter) {
        if (deadLetterTopic == null) {
            return List.of();
        }
        final Long timestamp = context.timestamp() >= 0 ? context.timestamp() : null;
        final ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(deadLetterTopic, null, timestamp,
                letter.key(), letter.value(), letter.headers());
        if (!globalTopics.contains(context.topic())) {
            return List.of(record);
        }
        globalDeadLetters.send(producerSettings, record);
        return List.of();
    }

    /** Producer settings from Streams' own: prefixed ones win, and no transactions (the global thread has none). */
    private static Map<String, Object> producerSettings(final Map<String, ?> configs) {
        final Map<String, Object> settings = new HashMap<>();
        final Set<String> names = ProducerConfig.configNames();
        configs.forEach((key, value) -> {
            if (names.contains(key) && value != null) {
                settings.putIfAbsent(key, value);
            }
        });
        configs.forEach((key, value) -> {
            if (key.startsWith(StreamsConfig.PRODUCER_PREFIX) && value != null) {
                settings.put(key.substring(StreamsConfig.PRODUCER_PREFIX.length()), value);
            }
        });
        settings.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        settings.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        settings.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, configs.get(StreamsConfig.APPLICATION_ID_CONFIG) + "-global-dead-letters");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        return settings;
    }
}
