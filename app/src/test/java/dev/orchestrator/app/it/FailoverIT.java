package dev.orchestrator.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.app.verify.Verifier;
import dev.orchestrator.app.verify.VerifyReport;
import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.DataUnitEventType;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.Quantity;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.avro.ResourceSpec;
import dev.orchestrator.schemas.Topic;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.schemas.evolution.KnownSchemas;
import dev.orchestrator.schemas.serde.InProcessSchemaRegistry;
import dev.orchestrator.testing.TestKafka;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short failover test: two engine JVMs with num.standby.replicas=1; one is killed with SIGKILL
 * and the time until every partition decides again is measured and reported.
 */
class FailoverIT {
    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();
    private static final String JAR = System.getProperty("orchestrator.jar", "target/orchestrator.jar");
    private static final int BATCH = 300;

    @TempDir
    Path dir;

    @Test
    void decidesAgainSoonAfterAnInstanceDies() throws Exception {
        final InProcessSchemaRegistry registry = InProcessSchemaRegistry.inMemory();
        KnownSchemas.all().forEach(registry::preload);
        final Topics topics = Topics.create("", registry);
        final Process a = engine("a");
        final Process b = engine("b");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KAFKA.clientConfig(), new StringSerializer(),
                new ByteArraySerializer());
             KafkaConsumer<String, byte[]> decisions = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, "failover-it",
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                     new StringDeserializer(), new ByteArrayDeserializer())) {
            awaitLog(dir.resolve("a.log"), "-> RUNNING");
            awaitLog(dir.resolve("b.log"), "-> RUNNING");
            for (int u = 0; u < 20; u++) {
                send(producer, topics.dataUnit, "u" + u, DataUnitEvent.newBuilder().setEventId("e" + u).setDataUnitId("u" + u)
                        .setProviderId("p").setType(DataUnitEventType.REGISTER).setKind(ResourceKind.STORAGE)
                        .setRegion("eu-west-1").setCapacity(ResourceSpec.newBuilder().setStorage(new Quantity("500", "GB")).build())
                        .setPricePerHour(new Money(BigDecimal.ONE, "USD")).setAt(Instant.now()).build());
            }
            decisions.subscribe(List.of(topics.allocations.name()));
            final Set<String> seen = new HashSet<>();
            sendBatch(producer, topics, "warm");
            assertThat(awaitBatch(decisions, seen, "warm", Duration.ofSeconds(90))).as("warm-up decided").isTrue();

            a.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            final long killed = System.nanoTime();
            sendBatch(producer, topics, "after");
            assertThat(awaitBatch(decisions, seen, "after", Duration.ofSeconds(120))).as("decided after the kill").isTrue();
            final double seconds = (System.nanoTime() - killed) / 1e9;
            System.out.printf("failover: every partition decided again %.1f s after the SIGKILL (standby replicas: 1)%n", seconds);

            final VerifyReport report = new Verifier(topics, KAFKA.bootstrapServers(), Map.of(), 0).verify();
            assertThat(report.violations()).isEmpty();
            assertThat(report.decisions()).isEqualTo(2L * BATCH);
        } finally {
            for (final Process engine : List.of(a, b)) {
                engine.destroy();
                if (!engine.waitFor(30, TimeUnit.SECONDS)) {
                    engine.destroyForcibly();
                }
            }
        }
    }

    private static void sendBatch(final KafkaProducer<String, byte[]> producer, final Topics topics, final String prefix) {
        for (int d = 0; d < BATCH; d++) {
            send(producer, topics.demand, prefix + d, Demand.newBuilder().setDemandId(prefix + d).setConsumerId("c" + d)
                    .setType(DemandType.PLACE).setKind(ResourceKind.STORAGE)
                    .setResources(ResourceSpec.newBuilder().setStorage(new Quantity("1", "GB")).build())
                    .setRequestedAt(Instant.now()).build());
        }
        producer.flush();
    }

    private static boolean awaitBatch(final KafkaConsumer<String, byte[]> consumer, final Set<String> seen, final String prefix,
                                      final Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                seen.add(record.key());
            }
            if (seen.stream().filter(k -> k.startsWith(prefix)).count() >= BATCH) {
                return true;
            }
        }
        return false;
    }

    private Process engine(final String name) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m", "-jar",
                JAR, "run", "--bootstrap", KAFKA.bootstrapServers(), "--http-port", "0",
                "--set", "state.dir=" + dir.resolve(name), "--set", "application.id=failover",
                "--set", "http.host=127.0.0.1", "--set", "standby.replicas=1",
                "--set", "kafka.main.consumer.session.timeout.ms=6000",
                "--set", "kafka.main.consumer.heartbeat.interval.ms=1000")
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    private static void awaitLog(final Path log, final String line) throws Exception {
        final long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(line)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("engine never logged '" + line + "'");
    }

    private static <V> void send(final KafkaProducer<String, byte[]> producer, final Topic<String, V> topic, final String key,
                                 final V value) {
        producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), value)));
    }
}
