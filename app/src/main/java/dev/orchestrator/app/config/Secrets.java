package dev.orchestrator.app.config;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Decides which settings hold secrets, so they are never printed or logged: every Kafka setting
 * whose config type is PASSWORD (ssl.keystore.key, ssl.truststore.certificates, sasl.jaas.config,
 * ...), whichever client defines it, and ours and unknown ones by how their name ends (a token or
 * password is masked, a file naming where tokens are, or a switch about tokens, is not).
 */
public final class Secrets {
    private static final Pattern SECRET = Pattern.compile(
            ".*(password|secret|jaas\\.config|token|credentials?|user\\.info|private\\.key|apikey|api\\.key|key\\.pem"
                    + "|keystore\\.key|certificates|certificate\\.chain)");
    private static final List<ConfigDef> KAFKA = List.of(ProducerConfig.configDef(), ConsumerConfig.configDef(),
            AdminClientConfig.configDef(), StreamsConfig.configDef());
    private static final String MASK = "********";

    private Secrets() {
    }

    /** {@code key} as given: ours, or a Kafka client setting with or without the {@code kafka.} prefix. */
    public static boolean isSecret(final String key) {
        final String kafkaKey = key.startsWith("kafka.") ? key.substring("kafka.".length()) : key;
        for (final String prefix : List.of("", "producer.", "consumer.", "admin.", "main.consumer.", "restore.consumer.",
                "global.consumer.")) {
            if (kafkaKey.startsWith(prefix) && isKafkaPassword(kafkaKey.substring(prefix.length()))) {
                return true;
            }
        }
        return SECRET.matcher(key.toLowerCase(Locale.ROOT)).matches();
    }

    /** The value as it may be shown: secrets become a fixed mask, whatever their length. */
    public static String shown(final String key, final String value) {
        return isSecret(key) ? MASK : value;
    }

    private static boolean isKafkaPassword(final String name) {
        for (final ConfigDef def : KAFKA) {
            final ConfigDef.ConfigKey key = def.configKeys().get(name);
            if (key != null && key.type == ConfigDef.Type.PASSWORD) {
                return true;
            }
        }
        return false;
    }
}
