package dev.orchestrator.app.config;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** Which {@code kafka.*} settings the Kafka clients understand, so a typo fails at start rather than being ignored. */
final class KafkaClientKeys {
    /** Client settings that one of our own keys controls; setting them twice would be ambiguous. */
    static final Map<String, ConfigKey> OWNED = Map.of(
            "bootstrap.servers", ConfigKey.BOOTSTRAP_SERVERS,
            "application.id", ConfigKey.APPLICATION_ID,
            "state.dir", ConfigKey.STATE_DIR,
            "num.stream.threads", ConfigKey.STREAMS_THREADS,
            "num.standby.replicas", ConfigKey.STANDBY_REPLICAS,
            "processing.guarantee", ConfigKey.PROCESSING_GUARANTEE);

    /** Streams passes settings with these prefixes to one of its clients only. */
    private static final List<String> CLIENT_PREFIXES = List.of(
            "main.consumer.", "restore.consumer.", "global.consumer.", "consumer.", "producer.", "admin.", "topic.");

    private static final Set<String> KNOWN = known();

    private KafkaClientKeys() {
    }

    /** Empty when the client setting is acceptable; otherwise why not. */
    static Optional<String> problem(final String clientKey) {
        if (OWNED.containsKey(clientKey)) {
            return Optional.of("set " + OWNED.get(clientKey).key() + " instead");
        }
        String bare = clientKey;
        for (final String prefix : CLIENT_PREFIXES) {
            if (bare.startsWith(prefix)) {
                bare = bare.substring(prefix.length());
                break;
            }
        }
        // topic.* settings are any topic config; the broker checks them
        if (clientKey.startsWith("topic.") || KNOWN.contains(bare)) {
            return Optional.empty();
        }
        return Optional.of("not a Kafka client setting");
    }

    private static Set<String> known() {
        final Set<String> names = new HashSet<>(StreamsConfig.configDef().names());
        names.addAll(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return Set.copyOf(names);
    }
}
