package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.app.config.ConfigLoader;
import dev.orchestrator.app.config.OrchestratorConfig;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.schemas.Topic;
import dev.orchestrator.testing.TestKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** One instance against a real broker: topics as specified, a ready engine, and bad input dead-lettered. */
class InstanceIT {
    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();

    @TempDir
    Path stateDir;

    @Test
    void createsTopicsServesHealthAndDeadLettersUndecodableInput() throws Exception {
        final OrchestratorConfig config = ConfigLoader.load(java.util.Optional.empty(), Map.of(), Map.of(
                "bootstrap.servers", KAFKA.bootstrapServers(), "http.port", "0", "http.host", "127.0.0.1",
                "state.dir", stateDir.toString(), "topic.prefix", "it."), ConfigLoader.Mode.RUN);

        try (Instance instance = Instance.start(config)) {
            assertThat(awaitReady(instance.httpPort(), Duration.ofSeconds(60))).isEqualTo(200);

            final List<String> names = instance.topics().all().stream().<String>map(Topic::name).toList();
            final Map<String, TopicDescription> described = KAFKA.admin().describeTopics(names).allTopicNames().get();
            assertThat(described).hasSize(14);
            // every topic has the engine's partitions, but payments.v1: one, in the ledger's order
            assertThat(described.values()).filteredOn(d -> !d.name().equals(instance.topics().payments.name()))
                    .allSatisfy(d -> assertThat(d.partitions()).hasSize(6));
            assertThat(described.get(instance.topics().payments.name()).partitions()).hasSize(1);
            assertThat(cleanupPolicy(instance.topics().policy.name())).isEqualTo("compact");
            assertThat(cleanupPolicy(instance.topics().demand.name())).isEqualTo("delete");

            final Topic<String, Policy> policy = instance.topics().policy;
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KAFKA.clientConfig(),
                    new StringSerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(policy.name(), "c-1", new byte[] {1, 2, 3})).get();
                producer.send(new ProducerRecord<>(policy.name(), "c-1", policy.valueSerde().serializer().serialize(
                        policy.name(), Policy.newBuilder().setConsumerId("c-1").setUpdatedAt(Instant.EPOCH).build())))
                        .get();
            }

            final List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.readCommitted(instance.topics().dlq.name(), 1,
                    new ByteArrayDeserializer(), new ByteArrayDeserializer(), Duration.ofSeconds(30));
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).value()).containsExactly(1, 2, 3);
            assertThat(new String(dead.get(0).headers().lastHeader("orchestrator.error.message").value()))
                    .contains("fewer than the 5-byte Confluent header");
        }
    }

    private static String cleanupPolicy(final String topic) throws Exception {
        final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        final Config config = KAFKA.admin().describeConfigs(List.of(resource)).all().get().get(resource);
        return config.get("cleanup.policy").value();
    }

    static int awaitReady(final int port, final Duration timeout) throws Exception {
        final HttpClient http = HttpClient.newHttpClient();
        final long deadline = System.nanoTime() + timeout.toNanos();
        int status = -1;
        while (System.nanoTime() < deadline) {
            try {
                status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    return status;
                }
            } catch (final java.io.IOException e) {
                status = -1;
            }
            Thread.sleep(200);
        }
        return status;
    }
}
