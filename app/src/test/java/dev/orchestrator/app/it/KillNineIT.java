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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
 * The short kill -9 fault test: the engine as two separate JVMs sharing the work; one of them is
 * killed with SIGKILL every 10 s and restarted while demands flow. Afterwards every invariant holds:
 * nothing lost, nothing decided twice, nothing overcommitted.
 */
class KillNineIT {
    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();
    private static final String JAR = System.getProperty("orchestrator.jar", "target/orchestrator.jar");
    private static final int DEMANDS = 6_000;
    private static final int KILLS = 3;

    @TempDir
    Path dir;

    @Test
    void survivesSigkillWithoutLosingOrDuplicatingDecisions() throws Exception {
        final InProcessSchemaRegistry registry = InProcessSchemaRegistry.inMemory();
        KnownSchemas.all().forEach(registry::preload);
        final Topics topics = Topics.create("", registry);
        final List<Process> engines = new ArrayList<>(List.of(engine("a"), engine("b")));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KAFKA.clientConfig(), new StringSerializer(),
                new ByteArraySerializer())) {
            awaitTopics(topics);
            for (int u = 0; u < 30; u++) {
                send(producer, topics.dataUnit, "u" + u, DataUnitEvent.newBuilder().setEventId("e" + u).setDataUnitId("u" + u)
                        .setProviderId("p").setType(DataUnitEventType.REGISTER).setKind(ResourceKind.STORAGE)
                        .setRegion("eu-west-1").setCapacity(ResourceSpec.newBuilder().setStorage(new Quantity("200", "GB")).build())
                        .setPricePerHour(new Money(BigDecimal.ONE, "USD")).setAt(Instant.now()).build());
            }
            final Random random = new Random(9);
            final long started = System.nanoTime();
            int kills = 0;
            for (int d = 0; d < DEMANDS; d++) {
                send(producer, topics.demand, "d" + d, Demand.newBuilder().setDemandId("d" + d).setConsumerId("c" + random.nextInt(20))
                        .setType(DemandType.PLACE).setKind(ResourceKind.STORAGE)
                        .setResources(ResourceSpec.newBuilder().setStorage(new Quantity(String.valueOf(1 + random.nextInt(4)), "GB")).build())
                        .setRequestedAt(Instant.now()).build());
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
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m", "-jar",
                JAR, "run", "--bootstrap", KAFKA.bootstrapServers(), "--http-port", "0",
                "--set", "state.dir=" + dir.resolve(name), "--set", "application.id=kill-nine",
                "--set", "http.host=127.0.0.1",
                // a killed member must leave the group quickly for the test to stay short
                "--set", "kafka.main.consumer.session.timeout.ms=6000",
                "--set", "kafka.main.consumer.heartbeat.interval.ms=1000")
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    private static void awaitTopics(final Topics topics) throws Exception {
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline
                && !KAFKA.admin().listTopics().names().get().contains(topics.unitViews.name())) {
            Thread.sleep(200);
        }
    }

    private static <V> void send(final KafkaProducer<String, byte[]> producer, final Topic<String, V> topic, final String key,
                                 final V value) {
        producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), value)));
    }
}
