package dev.orchestrator.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.app.verify.Verifier;
import dev.orchestrator.app.verify.VerifyReport;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.testing.TestKafka;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
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
    private static final int BATCH = 300;

    @TempDir
    Path dir;

    @Test
    void decidesAgainSoonAfterAnInstanceDies() throws Exception {
        final Topics topics = FaultRig.topics();
        final Process a = engine("a");
        final Process b = engine("b");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KAFKA.clientConfig(), new StringSerializer(),
                new ByteArraySerializer());
             KafkaConsumer<String, byte[]> decisions = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, "failover-it",
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                     new StringDeserializer(), new ByteArrayDeserializer())) {
            FaultRig.awaitLog(dir.resolve("a.log"), "-> RUNNING", Duration.ofSeconds(90));
            FaultRig.awaitLog(dir.resolve("b.log"), "-> RUNNING", Duration.ofSeconds(90));
            FaultRig.registerUnits(producer, topics, 20, 500);
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
            FaultRig.place(producer, topics, prefix + d, "c" + d, 1);
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
        return FaultRig.engine(dir, name, KAFKA.bootstrapServers(), "application.id=failover", "standby.replicas=1",
                "kafka.main.consumer.session.timeout.ms=6000", "kafka.main.consumer.heartbeat.interval.ms=1000");
    }
}
