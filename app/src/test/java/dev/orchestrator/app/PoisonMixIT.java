package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.app.config.ConfigLoader;
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
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.testing.TestKafka;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
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
 * The short poison-mix fault test: 10% of the demand stream is random bytes, unknown schema ids or
 * valid Avro with invalid values. The engine keeps running, and inputs = decisions + dead letters.
 */
class PoisonMixIT {
    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();
    private static final int RECORDS = 3_000;

    @TempDir
    Path dir;

    @Test
    void keepsRunningAndAccountsForEveryRecord() throws Exception {
        try (Instance engine = Instance.start(ConfigLoader.load(Optional.empty(), Map.of(), Map.of(
                "bootstrap.servers", KAFKA.bootstrapServers(), "http.port", "0", "http.host", "127.0.0.1",
                "state.dir", dir.toString()), ConfigLoader.Mode.RUN))) {
            assertThat(InstanceIT.awaitReady(engine.httpPort(), Duration.ofSeconds(60))).isEqualTo(200);
            final Topics topics = engine.topics();
            final Random random = new Random(5);
            int poison = 0;
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KAFKA.clientConfig(), new StringSerializer(),
                    new ByteArraySerializer())) {
                for (int u = 0; u < 20; u++) {
                    final DataUnitEvent unit = DataUnitEvent.newBuilder().setEventId("e" + u).setDataUnitId("u" + u)
                            .setProviderId("p").setType(DataUnitEventType.REGISTER).setKind(ResourceKind.STORAGE)
                            .setRegion("eu-west-1").setCapacity(ResourceSpec.newBuilder().setStorage(new Quantity("500", "GB")).build())
                            .setPricePerHour(new Money(BigDecimal.ONE, "USD")).setAt(Instant.now()).build();
                    producer.send(new ProducerRecord<>(topics.dataUnit.name(), "u" + u,
                            topics.dataUnit.valueSerde().serializer().serialize(topics.dataUnit.name(), unit)));
                }
                producer.flush();
                Thread.sleep(2_000);
                for (int d = 0; d < RECORDS; d++) {
                    final String id = "d" + d;
                    final byte[] value;
                    if (d % 10 == 0) {
                        poison++;
                        value = switch ((d / 10) % 3) {
                            case 0 -> randomBytes(random);
                            // framed, but with a schema id no registry knows
                            case 1 -> new byte[] {0, 0x7f, 0x12, 0x34, 0x56, 2, 'x'};
                            default -> topics.demand.valueSerde().serializer().serialize(topics.demand.name(),
                                    demand(id, "-" + (1 + random.nextInt(9))));
                        };
                    } else {
                        value = topics.demand.valueSerde().serializer().serialize(topics.demand.name(),
                                demand(id, String.valueOf(1 + random.nextInt(5))));
                    }
                    producer.send(new ProducerRecord<>(topics.demand.name(), id, value));
                }
            }
            final long expectedKeys = RECORDS - (poison - poison / 3);
            KAFKA.readCommittedUntil(topics.allocations.name(), new StringDeserializer(), new ByteArrayDeserializer(),
                    Duration.ofSeconds(90), records -> records.stream().map(r -> r.key()).distinct().count() >= expectedKeys);

            final VerifyReport report = new Verifier(topics, KAFKA.bootstrapServers(), Map.of(), 0).verify();

            assertThat(report.violations()).isEmpty();
            assertThat(report.demands()).isEqualTo(RECORDS);
            assertThat(report.deadLetters()).isEqualTo(poison);
            final HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + engine.httpPort() + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as("still running after the poison").isEqualTo(200);
        }
    }

    private static byte[] randomBytes(final Random random) {
        final byte[] bytes = new byte[1 + random.nextInt(64)];
        random.nextBytes(bytes);
        bytes[0] = (byte) (1 + random.nextInt(120));
        return bytes;
    }

    private static Demand demand(final String id, final String gb) {
        return Demand.newBuilder().setDemandId(id).setConsumerId("c" + id.length()).setType(DemandType.PLACE)
                .setKind(ResourceKind.STORAGE).setResources(ResourceSpec.newBuilder().setStorage(new Quantity(gb, "GB")).build())
                .setRequestedAt(Instant.now()).build();
    }
}
