package dev.orchestrator.connectors.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.Payment;
import dev.orchestrator.avro.PaymentKind;
import dev.orchestrator.connectors.OrchestratorTopics;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.testing.TestKafka;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.stellar.sdk.KeyPair;
import org.stellar.sdk.Network;
import org.stellar.sdk.Util;

/**
 * The settlement connector in a Connect worker of its own JVM, killed with SIGKILL (kill -9) once
 * between storing an envelope and submitting it and once between submitting and recording the
 * answer, then left to finish against a Horizon stand-in that times out, lands late, refuses with
 * {@code tx_bad_seq} and answers duplicates: every payment's transaction lands exactly once, and the
 * platform's secret seed is nowhere in the worker's log.
 */
class SettlementKillIT {
    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();

    @TempDir
    Path dir;

    private final HorizonStandIn horizon = new HorizonStandIn(Network.TESTNET);
    private final KeyPair platform = KeyPair.random();
    private final KeyPair provider = KeyPair.random();
    private final Topics topics = OrchestratorTopics.of("", "");
    private Process worker;
    private int starts;

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.destroyForcibly();
        }
        horizon.close();
    }

    @Test
    void everyPaymentLandsOnceAcrossKillsAndMisbehavingHorizon() throws Exception {
        KAFKA.admin().createTopics(List.of(new NewTopic(topics.payments.name(), 1, (short) 1),
                new NewTopic(topics.settlements.name(), 1, (short) 1).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
                        TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
        horizon.account(platform.getAccountId(), 7_000);
        final List<Payment> payments = List.of(
                payment(1, "a1", 1, PaymentKind.LOCKED, "1"),
                payment(2, "a1", 1, PaymentKind.RELEASED, "0.95"),
                payment(3, "a1", 1, PaymentKind.FEE, "0.05"),
                payment(4, "a1", 2, PaymentKind.LOCKED, "1"),
                payment(5, "a2", 1, PaymentKind.LOCKED, "2"),
                payment(6, "a2", 1, PaymentKind.REFUNDED, "2"),
                payment(7, "a1", 2, PaymentKind.RELEASED, "0.5"),
                payment(8, "a1", 2, PaymentKind.REFUNDED, "0.45"));
        // hostile records on both topics the worker reads: it starts, skips them with a reason, and settles the rest
        final byte[] garbage = new byte[] {(byte) 0xff, 0, 0, 0, 1, 2, 3};
        final String landed = "{\"paymentId\":\"x\",\"state\":\"LANDED\",\"hash\":\"" + "ab".repeat(32)
                + "\",\"envelopeXdr\":\"AAAA\",\"maxTime\":1,\"balanceId\":\"b\",\"generation\":1}";
        produceRaw(topics.settlements.name(), Map.of("crafted/garbage", garbage, "crafted/deep", "[".repeat(5_000).getBytes(),
                "x".repeat(300), landed.getBytes(), "crafted/other-id", landed.getBytes(), "x", landed.getBytes(),
                "crafted/huge", new byte[200_000]));
        produceRaw(topics.payments.name(), Map.of("c1", garbage, "c2", new byte[] {0, 0, 0, 0, 99, 1}));
        produce(payments);

        // killed after storing the first envelope, before submitting it
        Path log = start("stored");
        awaitLine(log, "settlement paused at stored for payment=a:a1/p1/LOCKED");
        assertThat(Files.readString(log)).contains("settlements.v1: 5 records could not be read",
                "payments.v1 offset", "cannot decode");
        worker.destroyForcibly().waitFor();
        assertThat(horizon.submissions()).as("nothing was submitted before the kill").isZero();

        // killed after submitting the stored envelope, before recording the answer
        log = start("submitted");
        awaitLine(log, "settlement paused at submitted for payment=a:a1/p1/LOCKED");
        worker.destroyForcibly().waitFor();
        assertThat(horizon.landed()).as("the stored envelope landed").hasSize(1);

        // and the rest against a Horizon that misbehaves
        horizon.lateBy(700);
        horizon.inject(HorizonStandIn.Fault.TIMEOUT, HorizonStandIn.Fault.TIMEOUT_AFTER_LANDING,
                HorizonStandIn.Fault.LANDS_LATE, HorizonStandIn.Fault.BAD_SEQUENCE, HorizonStandIn.Fault.TIMEOUT);
        horizon.duplicatesAnswerBadSequence(true);
        log = start("");
        final long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        // on chain: both periods' escrows of a1 and a2's, a1's two releases, a2's refund (a1's refunds follow its releases)
        while (horizon.landingsByMemo().size() < 6 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        Thread.sleep(2_000);
        assertThat(horizon.landingsByMemo()).as("payments landed, each once; worker log:%n%s", tail(log)).hasSize(6)
                .allSatisfy((memo, count) -> assertThat(count).as(memo).isEqualTo(1));
        for (final Payment payment : payments) {
            final String memo = Util.bytesToHex(EscrowTransactions.memo(payment.getPaymentId())).toLowerCase();
            final boolean onChain = payment.getKind() == PaymentKind.LOCKED || payment.getKind() == PaymentKind.RELEASED
                    || payment.getPaymentId().equals("a:a2/p1/REFUNDED");
            assertThat(horizon.landingsByMemo().getOrDefault(memo, 0)).as(payment.getPaymentId()).isEqualTo(onChain ? 1 : 0);
        }
        // the faults were met: each cost at least one submission more than the six that landed
        assertThat(horizon.submissions()).isGreaterThanOrEqualTo(6 + 5);
        final String seed = new String(platform.getSecretSeed());
        for (int i = 1; i <= starts; i++) {
            assertThat(Files.readString(dir.resolve("worker-" + i + ".log"))).as("worker log %d", i).doesNotContain(seed);
        }
    }

    private Path start(final String pauseAt) throws IOException {
        starts++;
        final Properties worker = new Properties();
        worker.putAll(Map.of("bootstrap.servers", KAFKA.bootstrapServers(),
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter",
                "offset.storage.file.filename", dir.resolve("offsets").toString(), "offset.flush.interval.ms", "500",
                "listeners", "http://127.0.0.1:0", "plugin.discovery", "service_load",
                "consumer.session.timeout.ms", "6000", "consumer.heartbeat.interval.ms", "1000"));
        final Path workerProps = dir.resolve("worker.properties");
        store(worker, workerProps);
        final Properties connector = new Properties();
        connector.putAll(Map.of("name", "orchestrator-settlement", "connector.class", SettlementConnector.class.getName(),
                "tasks.max", "1", "topics", topics.payments.name(),
                SettlementConfig.BOOTSTRAP, KAFKA.bootstrapServers(), SettlementConfig.HORIZON_URL, horizon.url(),
                SettlementConfig.NETWORK, "testnet", SettlementConfig.TX_TIMEOUT, "60", SettlementConfig.RETRY, "200"));
        final Path connectorProps = dir.resolve("settlement.properties");
        store(connector, connectorProps);
        final Path log = dir.resolve("worker-" + starts + ".log");
        final ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                "org.apache.kafka.connect.cli.ConnectStandalone", workerProps.toString(), connectorProps.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("ORCH_STELLAR_SECRET", new String(platform.getSecretSeed()));
        if (!pauseAt.isEmpty()) {
            builder.environment().put(SettlementSinkTask.PAUSE_AT, pauseAt);
        } else {
            builder.environment().remove(SettlementSinkTask.PAUSE_AT);
        }
        this.worker = builder.start();
        return log;
    }

    private void awaitLine(final Path log, final String text) throws Exception {
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            assertThat(worker.isAlive()).as("the worker died; its log:%n%s", tail(log)).isTrue();
            Thread.sleep(100);
        }
        throw new AssertionError("never saw '" + text + "'; worker log:\n" + tail(log));
    }

    private static String tail(final Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        final String text = Files.readString(log);
        return text.length() > 6_000 ? text.substring(text.length() - 6_000) : text;
    }

    private void produce(final List<Payment> payments) throws Exception {
        final Map<String, Object> config = new HashMap<>(KAFKA.clientConfig());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            for (final Payment payment : payments) {
                producer.send(new ProducerRecord<>(topics.payments.name(), payment.getConsumerId(),
                        topics.payments.valueSerde().serializer().serialize(topics.payments.name(), payment))).get();
            }
        }
    }

    private void produceRaw(final String topic, final Map<String, byte[]> records) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(new HashMap<>(KAFKA.clientConfig()), new StringSerializer(),
                new ByteArraySerializer())) {
            for (final Map.Entry<String, byte[]> record : records.entrySet()) {
                producer.send(new ProducerRecord<>(topic, record.getKey(), record.getValue())).get();
            }
        }
    }

    private Payment payment(final long sequence, final String allocation, final int period, final PaymentKind kind,
                            final String amount) {
        return Payment.newBuilder().setPaymentId("a:" + allocation + "/p" + period + "/" + kind).setSequence(sequence)
                .setKind(kind).setAmount(new Money(new BigDecimal(amount).setScale(6), "XLM")).setConsumerId("c1")
                .setProviderId("p1").setAllocationId(allocation).setPeriod(period).setAt(Instant.now())
                .setPayeeAddress(kind == PaymentKind.RELEASED ? provider.getAccountId() : null).build();
    }

    private static void store(final Properties properties, final Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            properties.store(out, "written by SettlementKillIT");
        }
    }
}
