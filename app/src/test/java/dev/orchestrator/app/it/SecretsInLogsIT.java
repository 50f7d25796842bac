package dev.orchestrator.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.app.chaos.Processes;
import dev.orchestrator.testing.TestKafka;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar's whole output, {@code run} and {@code demo}, with every Kafka PASSWORD-type
 * setting and our tokens given distinct values: none of the values may appear, whether the
 * instance starts or fails on them.
 */
class SecretsInLogsIT {
    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();

    /** Secret settings and their values; each value is unique so a leak names its setting. */
    private static final String MARK = "S3CR3T";
    private static final Map<String, String> SECRETS = secrets();

    @TempDir
    Path dir;

    @Test
    void runLogsItsSettingsWithEverySecretMasked() throws Exception {
        final Path config = dir.resolve("secret.properties");
        final List<String> lines = new ArrayList<>(List.of("bootstrap.servers=" + KAFKA.bootstrapServers(), "http.port=0",
                "http.host=127.0.0.1", "application.id=secrets-it", "state.dir=" + dir.resolve("state")));
        SECRETS.forEach((key, value) -> lines.add(key + "=" + value));
        Files.write(config, lines);

        final List<String> output = runUntil(List.of("run", "--config", config.toString()), "HTTP API on", Duration.ofSeconds(90));

        assertThat(String.join("\n", output)).as("the instance started").contains("HTTP API on")
                .contains("setting kafka.ssl.keystore.key=********", "setting http.token=********");
        assertNoSecretIn(output);
    }

    @Test
    void runThatFailsOnASecretSettingDoesNotEchoIt() throws Exception {
        final Path config = dir.resolve("bad-secret.properties");
        final List<String> lines = new ArrayList<>(List.of("bootstrap.servers=" + KAFKA.bootstrapServers(), "http.port=0",
                "http.host=127.0.0.1", "application.id=secrets-bad-it", "state.dir=" + dir.resolve("state"),
                "kafka.security.protocol=SSL", "kafka.ssl.keystore.type=PEM", "kafka.ssl.truststore.type=PEM"));
        SECRETS.forEach((key, value) -> lines.add(key + "=" + value));
        Files.write(config, lines);

        final List<String> output = runUntil(List.of("run", "--config", config.toString()), "HTTP API on", Duration.ofSeconds(90));

        assertNoSecretIn(output);
    }

    @Test
    void demoDoesNotPrintSecretsGivenOnItsCommandLine() throws Exception {
        final List<String> arguments = new ArrayList<>(List.of("demo", "--no-simulator", "--http-port", "0", "--set", "broker.port=0",
                "--set", "broker.data.dir=" + dir.resolve("broker"), "--set", "state.dir=" + dir.resolve("state")));
        SECRETS.forEach((key, value) -> {
            if (!key.startsWith("kafka.ssl.")) {
                // the embedded broker speaks PLAINTEXT; SSL material would only make its clients fail
                arguments.addAll(List.of("--set", key + "=" + value));
            }
        });

        final List<String> output = runUntil(arguments, "Ctrl-C to stop", Duration.ofSeconds(120));

        assertThat(String.join("\n", output)).contains("Ctrl-C to stop");
        assertNoSecretIn(output);
    }

    private static void assertNoSecretIn(final List<String> output) {
        final String all = String.join("\n", output);
        assertThat(all).as("output is captured").isNotBlank();
        SECRETS.forEach((key, value) -> assertThat(all).as("the value of %s in:%n%s", key, all)
                .doesNotContain(value).doesNotContain(MARK + Integer.toHexString(key.hashCode())));
        assertThat(all).doesNotContain(MARK);
    }

    /** Starts the jar, waits for {@code marker} (or its exit), lets it run a few seconds, stops it with SIGTERM. */
    private static List<String> runUntil(final List<String> arguments, final String marker, final Duration timeout)
            throws IOException, InterruptedException {
        final List<String> command = Processes.javaCommand("-Xmx512m", "-jar", DemoProcess.JAR);
        command.addAll(arguments);
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final List<String> lines = new CopyOnWriteArrayList<>();
        final Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
            } catch (final IOException e) {
                lines.add("output closed: " + e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (process.isAlive() && System.nanoTime() < deadline && lines.stream().noneMatch(l -> l.contains(marker))) {
            Thread.sleep(200);
        }
        // clients and the engine log most of what they will say in their first seconds
        process.waitFor(5, TimeUnit.SECONDS);
        process.toHandle().destroy();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped").isTrue();
        reader.join(10_000);
        return lines;
    }

    private static Map<String, String> secrets() {
        final Map<String, String> secrets = new LinkedHashMap<>();
        for (final String key : List.of("kafka.ssl.keystore.key", "kafka.ssl.keystore.certificate.chain",
                "kafka.ssl.truststore.certificates", "kafka.ssl.key.password", "kafka.ssl.keystore.password",
                "kafka.ssl.truststore.password", "kafka.sasl.jaas.config", "kafka.producer.sasl.jaas.config",
                "http.token", "http.peer.token")) {
            final String mark = MARK + Integer.toHexString(key.hashCode()) + "value0123456789abcdef";
            secrets.put(key, key.equals("kafka.ssl.keystore.key")
                    ? "-----BEGIN PRIVATE KEY-----" + mark + "-----END PRIVATE KEY-----"
                    : mark);
        }
        return secrets;
    }
}
