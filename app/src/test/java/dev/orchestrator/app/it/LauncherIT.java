package dev.orchestrator.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.app.chaos.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import dev.orchestrator.app.LocalPorts;
import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.schemas.evolution.KnownSchemas;
import dev.orchestrator.schemas.serde.InProcessSchemaRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, run as a user runs it: a separate JVM, its output, its exit status. */
class LauncherIT {
    private static final String JAR = DemoProcess.JAR;

    @TempDir
    Path dir;

    /**
     * One demo's life, in the order a user meets it: ready, deciding and migrating; SIGKILLed while its
     * simulator runs and back, verified live; stopped cleanly; started again on its data. (Three starts on one
     * data directory: the test command's time is spent on starts.)
     */
    @Test
    void demoDecidesMigratesSurvivesSigkillVerifiesLiveStopsCleanlyAndReusesItsData() throws Exception {
        // the broker comes back where it was, as the demo's does (9092): its clients and its own
        // transaction coordinator find it at the address they knew
        final String port = "broker.port=" + LocalPorts.freeStable();
        final long firstStart = System.nanoTime();
        final DemoProcess first = DemoProcess.start(dir, "--set", port);
        assertThat(first.awaitReady(Duration.ofSeconds(90))).as("ready within 90 s; output:%n%s", first.output()).isTrue();
        System.out.printf("demo ready in %.1f s%n", (System.nanoTime() - firstStart) / 1e9);
        assertThat(first.output()).contains("Kafka bootstrap  127.0.0.1:", "demand.v1  (created)", "dlq.v1  (created)");

        final Matcher bootstrap = Pattern.compile("Kafka bootstrap  (127\\.0\\.0\\.1:\\d+)").matcher(first.output());
        assertThat(bootstrap.find()).isTrue();
        final Set<String> seen = awaitDecisionsAndMigrations(bootstrap.group(1), Duration.ofSeconds(75));
        assertThat(seen).contains("PLACED", "REJECTED", "MIGRATE");
        assertThat(seen.stream().filter(s -> s.startsWith("REJECTED:"))).isNotEmpty();

        final Process tail = new ProcessBuilder(Processes.javaCommand("-jar", JAR, "tail", "allocations", "--bootstrap", bootstrap.group(1),
                "--from-beginning", "--max", "3")).redirectErrorStream(true).start();
        final String tailed = new String(tail.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tail.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tailed.lines().filter(l -> l.contains("\"status\": "))).hasSize(3);

        // SIGKILL: engine, broker, Connect worker and simulator die mid-transaction together
        first.process().destroyForcibly();
        assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        final long restart = System.nanoTime();
        final DemoProcess second = DemoProcess.start(dir, "--set", port);
        // usually ready in 12-20 s (17-19 s before the embedded broker's short session: 2 of about 10 CI runs then had a
        // committed-offset fetch time out for 60 s, twice, behind the coordinators' resign-and-reload after a SIGKILL)
        final boolean ready = second.awaitReady(Duration.ofSeconds(200));
        assertThat(ready).as("ready after SIGKILL; main thread:%n%s%noutput:%n%s",
                ready ? "" : second.mainThread(), second.output()).isTrue();
        System.out.printf("demo ready %.1f s after its restart from a SIGKILL%n", (System.nanoTime() - restart) / 1e9);
        Thread.sleep(8_000);
        final Matcher again = Pattern.compile("Kafka bootstrap  (127\\.0\\.0\\.1:\\d+)").matcher(second.output());
        assertThat(again.find()).isTrue();
        final long verifying = System.nanoTime();
        final Process verify = new ProcessBuilder(Processes.javaCommand("-jar", JAR, "verify", "--bootstrap", again.group(1)))
                .redirectErrorStream(true).start();
        final String report = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.waitFor(120, TimeUnit.SECONDS)).isTrue();
        System.out.printf("%sverify took %.1f s%n", report, (System.nanoTime() - verifying) / 1e9);
        assertThat(verify.exitValue()).as(report).isZero();
        assertThat(report).contains("[ok] 2 exactly one decision per demand", "[ok] 5 inputs = decisions + dead letters");
        final long stopping = System.nanoTime();
        second.stopAndAssertGone();
        System.out.printf("demo stopped in %.1f s%n", (System.nanoTime() - stopping) / 1e9);

        final DemoProcess third = DemoProcess.start(dir, "--set", port, "--no-simulator");
        assertThat(third.awaitReady(Duration.ofSeconds(90))).as("restart ready; output:%n%s", third.output()).isTrue();
        assertThat(third.output()).contains("topics ready created=0 existing=18");
        third.stopAndAssertGone();
    }

    @Test
    void runWithAnUnknownKeyExitsTwoWithOneLine() throws Exception {
        final Path bad = dir.resolve("bad.properties");
        Files.writeString(bad, "bootstrap.servers=127.0.0.1:9\nhttp.prt=8080\n");
        final Process process = new ProcessBuilder(Processes.javaCommand("-jar", JAR, "run", "--config", bad.toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();

        final String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(err.lines().toList()).containsExactly(
                "orchestrator: config error: unknown key 'http.prt' in " + bad + " (did you mean http.port?)");
    }

    /** Statuses of decisions ("PLACED", "REJECTED:REASON") and command types seen on the demo's topics. */
    private static Set<String> awaitDecisionsAndMigrations(final String bootstrap, final Duration timeout) {
        final InProcessSchemaRegistry registry = InProcessSchemaRegistry.inMemory();
        KnownSchemas.all().forEach(registry::preload);
        final Topics topics = Topics.create("", registry);
        final Set<String> seen = new HashSet<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "launcher-it",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.allocations.name(), topics.commands.name()));
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && !(seen.contains("MIGRATE") && seen.contains("PLACED") && seen.contains("REJECTED"))) {
                for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.topic().equals(topics.commands.name())) {
                        seen.add(topics.commands.valueSerde().deserializer().deserialize(record.topic(), record.value())
                                .getType().name());
                    } else {
                        final AllocationResult result = topics.allocations.valueSerde().deserializer()
                                .deserialize(record.topic(), record.value());
                        seen.add(result.getStatus().name());
                        seen.add(result.getStatus().name() + ":" + result.getReason().name());
                    }
                }
            }
        }
        return seen;
    }

}
