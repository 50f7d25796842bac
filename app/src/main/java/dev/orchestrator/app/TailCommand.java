package dev.orchestrator.app;

import dev.orchestrator.app.config.ConfigException;
import dev.orchestrator.app.config.OrchestratorConfig;
import dev.orchestrator.schemas.DeadLetterHeaders;
import dev.orchestrator.schemas.Topic;
import dev.orchestrator.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Prints a topic's records decoded, one line each, as they are committed. */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = "Print a topic's committed records, decoded, one per line: "
                + "allocations, commands, audit, metrics, dlq, demand, telemetry, data-unit, policy, sla, outcomes.")
final class TailCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TOPIC", description = "topic name without prefix and version, e.g. allocations")
    String topic;

    @Option(names = "--from-beginning", description = "start at the oldest record instead of now")
    boolean fromBeginning;

    @Option(names = "--max", paramLabel = "N", defaultValue = "0", description = "stop after N records (0: never)")
    long max;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Override
    public Integer call() {
        final OrchestratorConfig config = cluster.config();
        final Topics topics = cluster.topics(config);
        final Topic<?, ?> chosen = topics.all().stream()
                .filter(t -> t.name().equals(topics.prefix() + topic) || t.name().equals(topics.prefix() + topic + ".v1"))
                .findFirst().orElseThrow(() -> new ConfigException("unknown topic '" + topic + "'; known: "
                        + topics.all().stream().map(t -> t.name().substring(topics.prefix().length())).toList()));
        final Map<String, Object> props = new HashMap<>(config.kafkaClient());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "orchestrator-tail-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        long printed = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(chosen.name()));
            while (max == 0 || printed < max) {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    System.out.println(line(topics, chosen, record));
                    if (max > 0 && ++printed >= max) {
                        break;
                    }
                }
            }
        }
        return 0;
    }

    private static String line(final Topics topics, final Topic<?, ?> topic, final ConsumerRecord<byte[], byte[]> record) {
        final String key = record.key() == null ? "-" : new String(record.key(), StandardCharsets.UTF_8);
        final StringBuilder headers = new StringBuilder();
        for (final Header header : record.headers()) {
            if (!header.key().contains("stacktrace")) {
                headers.append(' ').append(header.key()).append('=')
                        .append(header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        final String tail = headers.length() > 0 ? "\t" + headers.toString().trim() : "";
        if (record.value() == null) {
            return key + "\t" + (topic == topics.dlq ? "(value not copied: see the headers)" : "(tombstone)") + tail;
        }
        if (topic == topics.dlq) {
            return key + "\t" + deadLetterValue(topics, record) + tail;
        }
        try {
            final Object value = topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
            final String text = value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
            return key + "\t" + text + tail;
        } catch (final RuntimeException e) {
            return key + "\t(undecodable: " + e.getMessage() + ")" + tail;
        }
    }

    /** A dead letter's value decoded as a record of the topic it came from, else what its bytes start with. */
    private static String deadLetterValue(final Topics topics, final ConsumerRecord<byte[], byte[]> record) {
        final Header source = record.headers().lastHeader(DeadLetterHeaders.SOURCE);
        final String sourceTopic = source == null ? "" : new String(source.value(), StandardCharsets.UTF_8);
        for (final Topic<?, ?> candidate : topics.all()) {
            if (candidate.name().equals(sourceTopic) && candidate != topics.dlq) {
                try {
                    final Object value = candidate.valueSerde().deserializer().deserialize(sourceTopic, record.value());
                    if (!(value instanceof byte[])) {
                        return String.valueOf(value);
                    }
                } catch (final RuntimeException e) {
                    // not a record of its topic: that is usually why it is here
                }
            }
        }
        final byte[] value = record.value();
        final StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(32, value.length); i++) {
            hex.append(String.format("%02x", value[i] & 0xFF));
        }
        return "(" + value.length + " bytes, not a record of " + (sourceTopic.isEmpty() ? "a known topic" : sourceTopic)
                + ": " + hex + (value.length > 32 ? "..." : "") + ")";
    }
}
