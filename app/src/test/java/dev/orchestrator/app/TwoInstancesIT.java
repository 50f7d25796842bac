package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.app.config.ConfigLoader;
import dev.orchestrator.app.config.OrchestratorConfig;
import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.DataUnitEventType;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.Quantity;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.avro.ResourceSpec;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.schemas.evolution.KnownSchemas;
import dev.orchestrator.schemas.serde.InProcessSchemaRegistry;
import dev.orchestrator.testing.TestKafka;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of the engine share 6 partitions on a real broker while 20,000 demands compete for
 * far less capacity than they ask for. Read back with read_committed, no unit is overcommitted and
 * every demand has exactly one decision.
 */
class TwoInstancesIT {
    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();
    private static final int UNITS = 40;
    private static final long UNIT_GB = 100;
    private static final int DEMANDS = 20_000;

    @TempDir
    Path dir;

    @Test
    void scarceCapacityIsNeverOvercommittedAndEveryDemandIsDecidedOnce() throws Exception {
        try (Instance a = Instance.start(config("a")); Instance b = Instance.start(config("b"))) {
            assertThat(InstanceIT.awaitReady(a.httpPort(), Duration.ofSeconds(60))).isEqualTo(200);
            assertThat(InstanceIT.awaitReady(b.httpPort(), Duration.ofSeconds(60))).isEqualTo(200);
            final Topics topics = a.topics();
            final long started = System.nanoTime();
            produce(topics);

            final List<ConsumerRecord<String, byte[]>> records = KAFKA.readCommittedUntil(topics.allocations.name(),
                    new org.apache.kafka.common.serialization.StringDeserializer(),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer(), Duration.ofSeconds(180),
                    seen -> decided(topics, seen).size() >= DEMANDS);
            final double seconds = (System.nanoTime() - started) / 1e9;
            final Map<String, Integer> decisions = decided(topics, records);
            System.out.printf("decided %d demands in %.1f s (%.0f/s) across two instances%n", decisions.size(), seconds,
                    decisions.size() / seconds);

            assertThat(decisions).hasSize(DEMANDS);
            assertThat(decisions.values()).allMatch(count -> count == 1);
            final Map<String, Long> reserved = new HashMap<>();
            long placed = 0;
            for (final ConsumerRecord<String, byte[]> record : records) {
                final AllocationResult result = decode(topics, record);
                if (result.getStatus() == AllocationStatus.PLACED) {
                    reserved.merge(result.getDataUnitId(), result.getCapacity().getStorageBytes(), Long::sum);
                    placed++;
                }
            }
            assertThat(reserved.values()).allMatch(bytes -> bytes <= UNIT_GB * 1_000_000_000L);
            assertThat(placed).isBetween(1L, (long) DEMANDS - 1);
            // the fleet is nearly full: scarcity was real
            assertThat(reserved.values().stream().mapToLong(Long::longValue).sum())
                    .isGreaterThan(UNITS * UNIT_GB * 1_000_000_000L * 9 / 10);
        }
    }

    private Map<String, Integer> decided(final Topics topics, final List<ConsumerRecord<String, byte[]>> records) {
        final Map<String, Integer> decisions = new HashMap<>();
        for (final ConsumerRecord<String, byte[]> record : records) {
            final AllocationStatus status = decode(topics, record).getStatus();
            if (status == AllocationStatus.PLACED || status == AllocationStatus.REJECTED) {
                decisions.merge(record.key(), 1, Integer::sum);
            }
        }
        return decisions;
    }

    private static AllocationResult decode(final Topics topics, final ConsumerRecord<String, byte[]> record) {
        return topics.allocations.valueSerde().deserializer().deserialize(record.topic(), record.value());
    }

    private void produce(final Topics topics) throws Exception {
        final Map<String, Object> config = new HashMap<>(KAFKA.clientConfig());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        final InProcessSchemaRegistry registry = InProcessSchemaRegistry.inMemory();
        KnownSchemas.all().forEach(registry::preload);
        final Topics writer = Topics.create("it.", registry);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            for (int u = 0; u < UNITS; u++) {
                final DataUnitEvent unit = DataUnitEvent.newBuilder().setEventId("e" + u).setDataUnitId("u" + u)
                        .setProviderId("p" + u % 5).setType(DataUnitEventType.REGISTER).setKind(ResourceKind.STORAGE)
                        .setRegion(u % 2 == 0 ? "eu-west-1" : "us-east-1")
                        .setCapacity(ResourceSpec.newBuilder().setStorage(new Quantity(UNIT_GB + "", "GB")).build())
                        .setPricePerHour(new Money(new BigDecimal("1.00").add(BigDecimal.valueOf(u, 2)), "USD"))
                        .setAt(Instant.now()).build();
                producer.send(new ProducerRecord<>(writer.dataUnit.name(), unit.getDataUnitId(),
                        writer.dataUnit.valueSerde().serializer().serialize(writer.dataUnit.name(), unit)));
            }
            producer.flush();
            // let every instance see the fleet before demand starts
            Thread.sleep(3_000);
            final Random random = new Random(42);
            for (int d = 0; d < DEMANDS; d++) {
                final Demand demand = Demand.newBuilder().setDemandId("d" + d).setConsumerId("c" + random.nextInt(50))
                        .setType(DemandType.PLACE).setKind(ResourceKind.STORAGE)
                        .setResources(ResourceSpec.newBuilder().setStorage(new Quantity((1 + random.nextInt(5)) + "", "GB"))
                                .build())
                        .setRequestedAt(Instant.now()).build();
                producer.send(new ProducerRecord<>(writer.demand.name(), demand.getDemandId(),
                        writer.demand.valueSerde().serializer().serialize(writer.demand.name(), demand)));
            }
        }
        assertThat(topics.prefix()).isEqualTo(writer.prefix());
    }

    private OrchestratorConfig config(final String name) {
        return ConfigLoader.load(Optional.empty(), Map.of(), Map.of(
                "bootstrap.servers", KAFKA.bootstrapServers(), "http.port", "0", "http.host", "127.0.0.1",
                "state.dir", dir.resolve(name).toString(), "topic.prefix", "it.", "application.id", "it-engine",
                "engine.confirm.within.ms", "600000", "engine.heartbeat.limit.ms", "600000"), ConfigLoader.Mode.RUN);
    }
}
