package dev.orchestrator.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.app.verify.Verifier;
import dev.orchestrator.app.verify.VerifyReport;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.testing.TestKafka;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short kill -9 fault test: the engine as two separate JVMs sharing the work; one of them is
 * killed with SIGKILL every 10 s and restarted while demands flow. Afterwards every invariant holds:
 * nothing lost, nothing decided twice, nothing overcommitted.
 */
class KillNineIT {
    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();
    private static final int DEMANDS = 6_000;
    private static final int KILLS = 3;

    @TempDir
    Path dir;

    @Test
    void survivesSigkillWithoutLosingOrDuplicatingDecisions() throws Exception {
        final Topics topics = FaultRig.topics();
        final List<Process> engines = new ArrayList<>(List.of(engine("a"), engine("b")));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KAFKA.clientConfig(), new StringSerializer(),
                new ByteArraySerializer())) {
            awaitTopics(topics);
            FaultRig.registerUnits(producer, topics, 30, 200);
            final Random random = new Random(9);
            final long started = System.nanoTime();
            int kills = 0;
            for (int d = 0; d < DEMANDS; d++) {
                FaultRig.place(producer, topics, "d" + d, "c" + random.nextInt(20), 1 + random.nextInt(4));
                // 6,000 demands over about 40 s, one kill every 10 s
                Thread.sleep(d % 150 == 0 ? 1_000 : 0);
                if (kills < KILLS && System.nanoTime() - started > (kills + 1) * Duration.ofSeconds(10).toNanos()) {
                    final int victim = kills % 2;
                    engines.get(victim).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    System.out.printf("killed engine %d with SIGKILL after %d demands%n", victim, d);
                    engines.set(victim, engine(victim == 0 ? "a" : "b"));
                    kills++;
                }
            }
            producer.flush();
            assertThat(kills).isEqualTo(KILLS);
            KAFKA.readCommittedUntil(topics.allocations.name(), new StringDeserializer(), new ByteArrayDeserializer(),
                    Duration.ofSeconds(120), records -> records.stream().map(r -> r.key()).distinct().count() >= DEMANDS);

            final VerifyReport report = new Verifier(topics, KAFKA.bootstrapServers(), Map.of(), 0).verify();

            System.out.printf("after %d kills: %d decisions, %d violations%n", kills, report.decisions(), report.violations().size());
            assertThat(report.violations()).isEmpty();
            assertThat(report.decisions()).isEqualTo(DEMANDS);
        } finally {
            for (final Process engine : engines) {
                engine.destroy();
                if (!engine.waitFor(30, TimeUnit.SECONDS)) {
                    engine.destroyForcibly();
                }
            }
        }
    }

    private Process engine(final String name) throws IOException {
        // a killed member must leave the group quickly for the test to stay short
        return FaultRig.engine(dir, name, KAFKA.bootstrapServers(), "application.id=kill-nine",
                "kafka.main.consumer.session.timeout.ms=6000", "kafka.main.consumer.heartbeat.interval.ms=1000");
    }

    private static void awaitTopics(final Topics topics) throws Exception {
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline
                && !KAFKA.admin().listTopics().names().get().contains(topics.unitViews.name())) {
            Thread.sleep(200);
        }
    }
}
