package dev.orchestrator.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.app.verify.Verifier;
import dev.orchestrator.app.verify.VerifyReport;
import dev.orchestrator.schemas.Topics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short broker fault test: an out-of-process broker is killed with SIGKILL mid-run and
 * restarted on the same data; the engine (its own JVM too) rides it out and every invariant holds.
 */
class BrokerRestartIT {
    private static final int DEMANDS = 4_000;

    @TempDir
    Path dir;

    @Test
    void ridesOutABrokerKilledAndRestartedMidRun() throws Exception {
        final int port = freePort();
        final String bootstrap = "127.0.0.1:" + port;
        Process broker = broker(port);
        Process engine = null;
        try {
            awaitPort(port);
            engine = FaultRig.engine(dir, "engine", bootstrap);
            final Topics topics = FaultRig.topics();
            FaultRig.awaitLog(dir.resolve("engine.log"), "engine state REBALANCING -> RUNNING", Duration.ofSeconds(90));
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000),
                    new StringSerializer(), new ByteArraySerializer())) {
                FaultRig.registerUnits(producer, topics, 20, 300);
                final Random random = new Random(4);
                for (int d = 0; d < DEMANDS; d++) {
                    FaultRig.place(producer, topics, "d" + d, "c" + random.nextInt(10), 1 + random.nextInt(4));
                    if (d % 200 == 0) {
                        Thread.sleep(250);
                    }
                    if (d == DEMANDS / 2) {
                        broker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                        System.out.println("broker killed with SIGKILL after " + d + " demands");
                        Thread.sleep(3_000);
                        broker = broker(port);
                        awaitPort(port);
                        System.out.println("broker restarted on the same data");
                    }
                }
                producer.flush();
            }
            final long decided = awaitDecisions(bootstrap, topics, Duration.ofSeconds(150));
            final VerifyReport report = new Verifier(topics, bootstrap, Map.of(), 0).verify();

            System.out.printf("after the broker restart: %d demands decided, %d violations%n", decided, report.violations().size());
            assertThat(engine.isAlive()).as("engine survived; log:%n%s", Files.readString(dir.resolve("engine.log"))).isTrue();
            assertThat(report.violations()).isEmpty();
            assertThat(report.decisions()).isEqualTo(DEMANDS);
        } finally {
            if (engine != null) {
                engine.destroy();
                engine.waitFor(30, TimeUnit.SECONDS);
                engine.destroyForcibly();
            }
            broker.destroy();
            if (!broker.waitFor(30, TimeUnit.SECONDS)) {
                broker.destroyForcibly();
            }
        }
    }

    private Process broker(final int port) throws IOException {
        return new ProcessBuilder(FaultRig.java(), "-Xmx512m", "-jar", FaultRig.JAR, "broker", "--data", dir.resolve("broker").toString(),
                "--port", String.valueOf(port)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile())).start();
    }

    private static long awaitDecisions(final String bootstrap, final Topics topics, final Duration timeout) {
        final java.util.Set<String> decided = new java.util.HashSet<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "broker-restart-it", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.allocations.name()));
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (decided.size() < DEMANDS && System.nanoTime() < deadline) {
                for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    decided.add(record.key());
                }
            }
        }
        return decided.size();
    }

    private static void awaitPort(final int port) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (final IOException e) {
                Thread.sleep(250);
            }
        }
        throw new AssertionError("broker did not listen on " + port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
