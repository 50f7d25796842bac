package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.app.config.ConfigLoader;
import dev.orchestrator.app.config.OrchestratorConfig;
import dev.orchestrator.app.verify.Verifier;
import dev.orchestrator.app.verify.VerifyReport;
import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.DataUnitEventType;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.ExecutionOutcome;
import dev.orchestrator.avro.FundsRequest;
import dev.orchestrator.avro.FundsRequestType;
import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.OutcomeStatus;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.avro.Quantity;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.avro.ResourceSpec;
import dev.orchestrator.avro.Sla;
import dev.orchestrator.avro.Telemetry;
import dev.orchestrator.schemas.Topic;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.testing.TestKafka;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fuzz property of issue 12 on a real broker: every topic the engine reads, global-store topics
 * and internal topics included, gets random bytes, bit-flipped valid records, length bombs, records
 * over the dead-letter copy limit, non-finite numbers, key/id mismatches, tombstones and null keys,
 * between valid demands. After it the engine is RUNNING, verify passes (inputs = decisions + DLQ),
 * and a restart on the same data comes back and decides new demands. The seed is printed so a
 * failure can be replayed with {@code -Dfuzz.seed=N}.
 */
class HostileRecordsIT {
    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();
    private static final int ROUNDS = 6;

    @TempDir
    Path dir;

    private Topics topics;
    private Random random;

    @Test
    void noRecordStopsTheEngineBeforeOrAfterARestart() throws Exception {
        final long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("HostileRecordsIT seed=" + seed);
        random = new Random(seed);
        final OrchestratorConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of(
                "bootstrap.servers", KAFKA.bootstrapServers(), "http.port", "0", "http.host", "127.0.0.1",
                "state.dir", dir.toString(), "payments.enabled", "true"), ConfigLoader.Mode.RUN);
        int valid = 0;
        try (Instance engine = Instance.start(config);
             KafkaProducer<byte[], byte[]> producer = producer()) {
            topics = engine.topics();
            assertThat(InstanceIT.awaitReady(engine.httpPort(), Duration.ofSeconds(60))).isEqualTo(200);
            for (int u = 0; u < 3; u++) {
                send(producer, topics.dataUnit, "u" + u, register("u" + u, "p" + u, 0.0));
            }
            for (int round = 0; round < ROUNDS; round++) {
                for (final Hostile hostile : hostileRecords()) {
                    producer.send(new ProducerRecord<>(hostile.topic(), null, hostile.key(), hostile.value()));
                }
                for (int d = 0; d < 5; d++, valid++) {
                    send(producer, topics.demand, "ok-" + valid, demand("ok-" + valid));
                }
            }
            producer.flush();
            assertThat(settledVerify(seed).violations()).as("seed " + seed).isEmpty();
            assertThat(engine.state()).as("seed " + seed).isEqualTo(KafkaStreams.State.RUNNING);
        }

        // the same data again from the same state: nothing read back may stop it either
        try (Instance engine = Instance.start(config);
             KafkaProducer<byte[], byte[]> producer = producer()) {
            assertThat(InstanceIT.awaitReady(engine.httpPort(), Duration.ofSeconds(60))).isEqualTo(200);
            for (int d = 0; d < 5; d++, valid++) {
                send(producer, topics.demand, "ok-" + valid, demand("ok-" + valid));
            }
            producer.flush();
            final VerifyReport report = settledVerify(seed);
            assertThat(report.violations()).as("seed " + seed).isEmpty();
            assertThat(engine.state()).as("seed " + seed).isEqualTo(KafkaStreams.State.RUNNING);
            final List<ConsumerRecord<byte[], byte[]>> letters = KAFKA.readCommittedUntil(topics.dlq.name(),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer(), Duration.ofSeconds(5), r -> false);
            // no dead letter copies more than the limit: large values are referenced by offset
            assertThat(letters).allSatisfy(r -> assertThat(r.serializedValueSize() + r.serializedKeySize())
                    .isLessThanOrEqualTo(512 * 1024));
            // the global-store topics' bad records were dead-lettered too, from the global thread
            assertThat(letters).anySatisfy(r -> assertThat(header(r, "orchestrator.error.topic")).isEqualTo(topics.sla.name()));
            assertThat(letters).anySatisfy(r -> assertThat(header(r, "orchestrator.error.message"))
                    .contains("too large to copy"));
            // money: refused funds requests and crafted ledger inputs were dead-lettered with a reason, and the books
            // (verify's invariant 6 above) balance with them left out
            assertThat(letters).anySatisfy(r -> assertThat(header(r, "orchestrator.error.topic")).isEqualTo(topics.funds.name()));
            assertThat(letters).anySatisfy(r -> {
                assertThat(header(r, "orchestrator.error.topic")).isEqualTo(topics.ledger.name());
                assertThat(header(r, "orchestrator.error.reason")).isEqualTo("INVALID_INPUT");
            });
            assertThat(report.notes()).noneMatch(note -> note.contains("payments are off"));
            assertThat(letters).anySatisfy(r -> {
                assertThat(header(r, "orchestrator.error.topic")).isEqualTo(topics.stacks.name());
                assertThat(header(r, "orchestrator.error.reason")).isEqualTo("INVALID_INPUT");
            });
        }
    }

    /** Verifies until the engine has caught up with the input (or 90 s passed), returning the last report. */
    private VerifyReport settledVerify(final long seed) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        VerifyReport report = null;
        while (System.nanoTime() < deadline) {
            report = new Verifier(topics, KAFKA.bootstrapServers(), Map.of(), 0).verify();
            if (report.passed()) {
                return report;
            }
            Thread.sleep(2_000);
        }
        System.out.println("seed " + seed + ": " + report.violations());
        return report;
    }

    private record Hostile(String topic, byte[] key, byte[] value) {
    }

    /** One round: a few hostile records for every topic the engine reads. */
    private List<Hostile> hostileRecords() {
        final List<Hostile> records = new ArrayList<>();
        final List<Topic<String, ?>> avroInputs = List.of(topics.demand, topics.telemetry, topics.policy, topics.sla,
                topics.dataUnit, topics.outcomes, topics.funds);
        for (final Topic<String, ?> topic : avroInputs) {
            final byte[] valid = validFor(topic);
            records.add(new Hostile(topic.name(), key(), randomBytes(1 + random.nextInt(200))));
            records.add(new Hostile(topic.name(), key(), flipBits(valid)));
            records.add(new Hostile(topic.name(), key(), lengthBomb(valid)));
            records.add(new Hostile(topic.name(), key(), null));
            records.add(new Hostile(topic.name(), null, valid));
            // a valid record under another key than the id it carries
            records.add(new Hostile(topic.name(), bytes("mismatch-" + random.nextInt(1000)), valid));
        }
        // over the dead-letter copy limit but under the broker's: must be referenced, not copied
        records.add(new Hostile(topics.demand.name(), key(), randomBytes(700 * 1024)));
        records.add(new Hostile(topics.sla.name(), key(), randomBytes(700 * 1024)));
        // non-finite and out-of-range numbers in otherwise valid records
        records.add(encoded(topics.telemetry, "u1", Telemetry.newBuilder().setDataUnitId("u1").setProviderId("p1")
                .setObservedAt(Instant.now()).setLatencyMillis(pick(Double.POSITIVE_INFINITY, Double.NaN, -1.0))
                .setAvailable(true).build()));
        records.add(encoded(topics.dataUnit, "u9", register("u9", "p9", pick(Double.NaN, Double.NEGATIVE_INFINITY, 1e300))));
        records.add(encoded(topics.sla, "bad-sla", Sla.newBuilder().setSlaId("bad-sla").setMaxLatencyMillis(Double.NaN)
                .setMinAvailability(Double.POSITIVE_INFINITY).setUpdatedAt(Instant.now()).build()));
        records.add(encoded(topics.policy, "c9", Policy.newBuilder().setConsumerId("c9")
                .setWeights(Map.of("price", Double.NaN)).setUpdatedAt(Instant.now()).build()));
        // money: absurd amounts, crafted and huge account ids, a currency nobody settles in
        records.add(encoded(topics.funds, "c1", funds("c1", pick(1, 2, 3) == 1 ? "99999999999999999999999" : "-0.5")));
        records.add(encoded(topics.funds, "c1", funds("c1", "1e308")));
        // a drift check's answer nobody asked for, for a stack that does not exist and for no stack at all
        for (final String allocation : List.of("stack:ghost/t1/pool/0", "plain-allocation")) {
            records.add(encoded(topics.outcomes, allocation + ":check:k1", ExecutionOutcome.newBuilder()
                    .setCommandId(allocation + ":check:k1").setAllocationId(allocation).setDataUnitId("u1")
                    .setStatus(OutcomeStatus.CHECKED).setObserved(Map.of("state", "READY", "image", "x".repeat(10_000)))
                    .setAt(Instant.now()).build()));
        }
        records.add(encoded(topics.funds, "x".repeat(5_000), funds("x".repeat(5_000), "1")));
        records.add(encoded(topics.funds, "c2", FundsRequest.newBuilder(funds("c2", "5")).setCurrency("XAU").build()));
        records.add(encoded(topics.funds, "c3", FundsRequest.newBuilder(funds("c3", "5")).setType(FundsRequestType.REVERSE_SLASH)
                .setAccountId("a:nothing/p1/SLASHED").build()));
        // the ledger's own topic: Smile that decodes to inputs no stage would send
        for (final String crafted : List.of(
                "{\"t\":\"funds\",\"kind\":\"DEPOSIT\",\"accountId\":\"c1\",\"micros\":9223372036854775807,\"requestId\":\"r\",\"at\":1}",
                "{\"t\":\"funds\",\"kind\":null,\"accountId\":null,\"micros\":-1,\"at\":-1}",
                "{\"t\":\"change\",\"allocationId\":\"ok-0\",\"action\":\"PLACED\",\"pricePerHourMicros\":-7,\"at\":1}",
                "{\"t\":\"breach\",\"allocationId\":\"ok-1\",\"unitId\":\"u0\",\"windowMillis\":0,\"penaltyPercent\":100000}",
                "{\"t\":\"reverse\",\"paymentId\":null}",
                "{\"t\":\"nothing\"}")) {
            records.add(new Hostile(topics.ledger.name(), key(), smile(crafted)));
        }
        // the stack engine's topic: Smile that decodes to inputs the API would never send
        final String bomb = "x".repeat(300 * 1024);
        for (final String[] crafted : List.of(
                new String[] {"s1", "{\"t\":\"create\",\"stackId\":\"s1\",\"consumerId\":\"c1\",\"template\":\"resources: [\",\"parameters\":{},\"at\":1}"},
                new String[] {"s2", "{\"t\":\"create\",\"stackId\":\"s2\",\"consumerId\":\"c1\",\"template\":\"" + bomb + "\",\"parameters\":{}}"},
                new String[] {"s3", "{\"t\":\"create\",\"stackId\":\"other\",\"consumerId\":\"c1\",\"template\":\"resources: {}\"}"},
                new String[] {"S 4", "{\"t\":\"create\",\"stackId\":\"S 4\",\"consumerId\":\"c1\",\"template\":\"resources: {}\",\"parameters\":{}}"},
                new String[] {"s5", "{\"t\":\"create\",\"stackId\":\"s5\",\"consumerId\":null,\"template\":null,\"parameters\":null}"},
                new String[] {"s6", "{\"t\":\"create\",\"stackId\":\"s6\",\"consumerId\":\"c1\",\"parameters\":{\"nope\":\"1\"},"
                        + "\"template\":\"resources:\\n  p: {type: orchestrator::compute_pool, properties: {min_replicas: 99999, max_replicas: 1}}\"}"},
                new String[] {"s7", "{\"t\":\"outcome\",\"stackId\":\"s7\",\"demandId\":null,\"status\":null}"},
                new String[] {"s8", "{\"t\":\"delete\",\"stackId\":\"s8\"}"},
                new String[] {"s9", "{\"t\":\"nothing\"}"},
                new String[] {"s10", "{\"t\":\"update\",\"stackId\":\"s10\",\"template\":\"resources: [\",\"parameters\":{\"a\":null}}"},
                new String[] {"s11", "{\"t\":\"update\",\"stackId\":\"s11\",\"parameters\":{\"p\":\"" + "y".repeat(70 * 1024) + "\"}}"},
                // utilizations the API would refuse: absurd, negative, no pool, a 1,000-character pool name
                new String[] {"s12", "{\"t\":\"utilization\",\"stackId\":\"s12\",\"resource\":\"pool\",\"utilization\":1e308}"},
                new String[] {"s13", "{\"t\":\"utilization\",\"stackId\":\"s13\",\"resource\":\"pool\",\"utilization\":-1}"},
                new String[] {"s14", "{\"t\":\"utilization\",\"stackId\":\"s14\",\"resource\":null,\"utilization\":0.5}"},
                new String[] {"s15", "{\"t\":\"utilization\",\"stackId\":\"s15\",\"resource\":\"" + "p".repeat(1_000)
                        + "\",\"utilization\":0.5}"},
                // drift-check inputs: no check id, an answer without a demand, an answer with a map of 10,000 entries
                new String[] {"s16", "{\"t\":\"check\",\"stackId\":\"s16\",\"checkId\":null}"},
                new String[] {"s17", "{\"t\":\"observed\",\"stackId\":\"s17\",\"checkId\":\"k\",\"demandId\":null}"},
                new String[] {"s18", "{\"t\":\"observed\",\"stackId\":\"s18\",\"checkId\":\"k\",\"demandId\":\"d\","
                        + "\"observed\":{" + String.join(",", java.util.stream.IntStream.range(0, 10_000)
                        .mapToObj(i -> "\"k" + i + "\":\"v\"").toList()) + "}}"})) {
            records.add(new Hostile(topics.stacks.name(), crafted[0].getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    smile(crafted[1])));
        }
        // the engine's, the ledger's and the stack engine's internal topics: garbage, Smile-headed garbage,
        // tombstones, null keys
        for (final Topic<String, byte[]> internal : List.of(topics.route, topics.ledger, topics.stacks)) {
            records.add(new Hostile(internal.name(), key(), randomBytes(1 + random.nextInt(100))));
            final byte[] smile = randomBytes(4 + random.nextInt(60));
            smile[0] = ':';
            smile[1] = ')';
            smile[2] = '\n';
            smile[3] = 0;
            records.add(new Hostile(internal.name(), key(), smile));
            records.add(new Hostile(internal.name(), key(), null));
            records.add(new Hostile(internal.name(), null, randomBytes(8)));
        }
        return records;
    }

    private byte[] validFor(final Topic<String, ?> topic) {
        final Map<String, Supplier<Object>> samples = Map.of(
                topics.demand.name(), () -> demand("fz-" + random.nextInt(1_000_000)),
                topics.telemetry.name(), () -> Telemetry.newBuilder().setDataUnitId("u0").setProviderId("p0")
                        .setObservedAt(Instant.now()).setLatencyMillis(5.0).setAvailable(true).build(),
                topics.policy.name(), () -> Policy.newBuilder().setConsumerId("c" + random.nextInt(5)).setMaxUnits(1000)
                        .setUpdatedAt(Instant.now()).build(),
                topics.sla.name(), () -> Sla.newBuilder().setSlaId("sla-" + random.nextInt(5)).setMaxLatencyMillis(100)
                        .setMinAvailability(0.5).setUpdatedAt(Instant.now()).build(),
                topics.dataUnit.name(), () -> register("fz-u" + random.nextInt(5), "p0", 5.0),
                topics.funds.name(), () -> funds("c" + random.nextInt(5), "1000"),
                topics.outcomes.name(), () -> ExecutionOutcome.newBuilder().setCommandId("cmd-" + random.nextInt(1000))
                        .setAllocationId("a-" + random.nextInt(1000)).setDataUnitId("u" + random.nextInt(3))
                        .setStatus(OutcomeStatus.PROVISIONED).setAt(Instant.now()).build());
        return encode(topic, samples.get(topic.name()).get());
    }

    @SuppressWarnings("unchecked")
    private static <V> byte[] encode(final Topic<String, V> topic, final Object value) {
        return topic.valueSerde().serializer().serialize(topic.name(), (V) value);
    }

    private static <V> Hostile encoded(final Topic<String, V> topic, final String key, final V value) {
        return new Hostile(topic.name(), bytes(key), encode(topic, value));
    }

    private static <V> void send(final KafkaProducer<byte[], byte[]> producer, final Topic<String, V> topic,
                                 final String key, final V value) {
        producer.send(new ProducerRecord<>(topic.name(), bytes(key), encode(topic, value)));
    }

    private byte[] flipBits(final byte[] valid) {
        final byte[] bytes = valid.clone();
        for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
            final int at = 5 + random.nextInt(bytes.length - 5);
            bytes[at] ^= (byte) (1 << random.nextInt(8));
        }
        return bytes;
    }

    /** The valid record with a varint of 2^30..2^62 written at a random place after the header. */
    private byte[] lengthBomb(final byte[] valid) {
        final int at = 5 + random.nextInt(valid.length - 5);
        final ByteBuffer out = ByteBuffer.allocate(valid.length + 10);
        out.put(valid, 0, at);
        long zigzag = (1L << (30 + random.nextInt(32))) << 1;
        while ((zigzag & ~0x7FL) != 0) {
            out.put((byte) ((zigzag & 0x7F) | 0x80));
            zigzag >>>= 7;
        }
        out.put((byte) zigzag);
        return Arrays.copyOf(out.array(), out.position());
    }

    private byte[] key() {
        return bytes("k-" + random.nextInt(1_000_000));
    }

    private byte[] randomBytes(final int length) {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private double pick(final double... values) {
        return values[random.nextInt(values.length)];
    }

    private static Demand demand(final String id) {
        return Demand.newBuilder().setDemandId(id).setConsumerId("c" + Math.abs(id.hashCode() % 5))
                .setType(DemandType.PLACE).setKind(ResourceKind.STORAGE)
                .setResources(ResourceSpec.newBuilder().setStorage(new Quantity("1", "GB")).build())
                .setRequestedAt(Instant.now()).build();
    }

    private static DataUnitEvent register(final String unit, final String provider, final double latency) {
        return DataUnitEvent.newBuilder().setEventId("e-" + unit).setDataUnitId(unit).setProviderId(provider)
                .setType(DataUnitEventType.REGISTER).setKind(ResourceKind.STORAGE).setRegion("eu-west-1")
                .setCapacity(ResourceSpec.newBuilder().setStorage(new Quantity("1000", "GB")).build())
                .setPricePerHour(new Money(BigDecimal.ONE, "USD")).setAdvertisedLatencyMillis(latency)
                .setAt(Instant.now()).build();
    }

    private FundsRequest funds(final String account, final String amount) {
        return FundsRequest.newBuilder().setRequestId("f-" + random.nextInt(1_000_000)).setType(FundsRequestType.DEPOSIT)
                .setAccountId(account).setAmount(amount).setCurrency("USD").setRequestedAt(Instant.now()).build();
    }

    /** {@code json} as the Smile the internal topics carry. */
    private static byte[] smile(final String json) {
        try {
            final com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
            return new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.smile.SmileFactory())
                    .writeValueAsBytes(mapper.readTree(json));
        } catch (final java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        final Map<String, Object> settings = new java.util.HashMap<>(KAFKA.clientConfig());
        settings.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1024 * 1024);
        return new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static String header(final ConsumerRecord<byte[], byte[]> record, final String name) {
        final var header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
