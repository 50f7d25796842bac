package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.app.broker.SecureBroker;
import dev.orchestrator.app.chaos.Processes;
import dev.orchestrator.app.config.ConfigLoader;
import dev.orchestrator.app.config.OrchestratorConfig;
import dev.orchestrator.app.verify.Verifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The product's Kafka clients against a broker that demands credentials (SASL_PLAINTEXT with
 * SCRAM-SHA-512, and TLS), each taking them from {@code KAFKA_*} environment variables: the engine,
 * the HTTP writes' producer and the live stream's consumer in one instance; {@code tail},
 * {@code verify} and {@code bench --bootstrap} as separate processes of the packaged jar; and a
 * Kafka Connect worker in its own JVM running the command executor, its credentials read through
 * Kafka's {@code env:} config provider. A wrong password ends {@code run},
 * {@code verify} and {@code tail} at once with status 2 and one line naming the setting.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaSecurityIT {
    private static final String JAR = System.getProperty("orchestrator.jar", "target/orchestrator.jar");
    private static final String UNIT = """
            {"dataUnitId": "s-1", "providerId": "p-1", "kind": "STORAGE", "region": "eu-west", "capacity": {"storage": "100 GB"},
             "pricePerHour": {"amount": "0.50", "currency": "USD"}}""";

    @TempDir
    static Path dir;

    private SecureBroker broker;

    @BeforeAll
    void startBroker() throws Exception {
        broker = SecureBroker.start(dir.resolve("broker"));
    }

    @AfterAll
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private Map<String, String> sasl(final String password) {
        return Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG", SecureBroker.jaas(SecureBroker.USER, password));
    }

    private Map<String, String> environment(final String protocol) {
        return protocol.startsWith("SASL") ? sasl(SecureBroker.PASSWORD) : tls();
    }

    private String bootstrap(final String protocol) {
        return protocol.startsWith("SASL") ? broker.saslBootstrap() : broker.tlsBootstrap();
    }

    private Map<String, String> tls() {
        return Map.of("KAFKA_SECURITY_PROTOCOL", "SSL", "KAFKA_SSL_TRUSTSTORE_LOCATION", broker.truststore().toString(),
                "KAFKA_SSL_TRUSTSTORE_PASSWORD", "trust-store-secret", "KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12");
    }

    @ParameterizedTest(name = "over {0}")
    @ValueSource(strings = {"SASL_PLAINTEXT", "SSL"})
    void theEngineItsWritesItsLiveStreamTailAndVerifyAuthenticateFromTheEnvironment(final String protocol) throws Exception {
        final boolean sasl = protocol.startsWith("SASL");
        final Map<String, String> environment = environment(protocol);
        final String bootstrap = bootstrap(protocol);
        final String prefix = sasl ? "sasl." : "tls.";
        final String demand = prefix + "d-1";
        final String unit = prefix + "u-1";
        final OrchestratorConfig config = ConfigLoader.load(Optional.empty(), environment, Map.of(
                "bootstrap.servers", bootstrap, "http.port", "0", "http.host", "127.0.0.1", "topic.prefix", prefix,
                "state.dir", dir.resolve("state-" + prefix).toString(), "application.id", "secure-it-" + (sasl ? "sasl" : "tls"),
                "topic.partitions", "2"), ConfigLoader.Mode.RUN);
        try (Instance instance = Instance.start(config)) {
            final ApiClient api = new ApiClient(instance::httpPort, null, Duration.ofSeconds(60));
            assertThat(InstanceIT.awaitReady(instance.httpPort(), Duration.ofSeconds(60))).isEqualTo(200);
            try (SseReader live = new SseReader("http://127.0.0.1:" + instance.httpPort() + "/v1/events?type=decision",
                    Map.of())) {
                assertThat(api.send("POST", "/v1/data-units", UNIT.replace("s-1", unit)).statusCode()).isEqualTo(202);
                api.poll("/v1/units/" + unit, u -> true);
                assertThat(api.send("POST", "/v1/demands", """
                        {"demandId": "%s", "consumerId": "team-s", "resources": {"storage": "10 GB"}}""".formatted(demand))
                        .statusCode()).isEqualTo(202);
                api.poll("/v1/demands/" + demand, d -> d.path("status").asText().equals("PLACED"));
                assertThat(live.await("decision", "\"demandId\":\"" + demand + "\"", Duration.ofSeconds(30))).isNotNull();
            }
        }
        // verify in this JVM, with the same settings
        assertThat(new Verifier(dev.orchestrator.schemas.Topics.create(prefix, Instance.registry(config)), bootstrap,
                config.kafkaClient(), 0).forApplication(config.string(dev.orchestrator.app.config.ConfigKey.APPLICATION_ID))
                .verify().passed()).isTrue();

        // tail and verify as a user runs them: separate processes, credentials in the environment
        final Result tail = run(environment, "tail", "allocations", "--bootstrap", bootstrap, "--from-beginning", "--max", "1",
                "--set", "topic.prefix=" + prefix);
        assertThat(tail.exit()).as(tail.output()).isZero();
        assertThat(tail.output()).contains(demand);
        final Result verify = run(environment, "verify", "--bootstrap", bootstrap, "--settle", "0", "--set",
                "topic.prefix=" + prefix, "--set", "application.id=secure-it-" + (sasl ? "sasl" : "tls"));
        assertThat(verify.exit()).as(verify.output()).isZero();
        assertThat(verify.output()).contains("verify: 1 demand records");
    }

    @ParameterizedTest(name = "over {0}")
    @ValueSource(strings = {"SASL_PLAINTEXT", "SSL"})
    void theConnectWorkerAndTheExecutorTakeTheirCredentialsFromTheEnvironment(final String protocol) throws Exception {
        final Map<String, String> environment = environment(protocol);
        final String bootstrap = bootstrap(protocol);
        final String prefix = protocol.startsWith("SASL") ? "sc-sasl." : "sc-tls.";
        final OrchestratorConfig config = ConfigLoader.load(Optional.empty(), environment, Map.of(
                "bootstrap.servers", bootstrap, "http.port", "0", "http.host", "127.0.0.1",
                "state.dir", dir.resolve("state-" + prefix).toString(), "application.id", "secure-connect-" + protocol.toLowerCase(),
                "topic.prefix", prefix, "topic.partitions", "2"), ConfigLoader.Mode.RUN);
        try (Instance instance = Instance.start(config)) {
            assertThat(InstanceIT.awaitReady(instance.httpPort(), Duration.ofSeconds(60))).isEqualTo(200);
            // the worker's own clients and the executor's producer read the credentials through Kafka's env: provider
            final java.util.Properties worker = new java.util.Properties();
            worker.putAll(dev.orchestrator.app.connect.EmbeddedConnectWorker.settings(bootstrap,
                    dir.resolve("connect-" + prefix + "offsets")));
            worker.put("config.providers", "env");
            worker.put("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
            // each KAFKA_X variable becomes the x setting, as our own config loader reads them
            for (final String variable : environment.keySet()) {
                final String key = variable.substring("KAFKA_".length()).toLowerCase(java.util.Locale.ROOT).replace('_', '.');
                for (final String client : List.of("", "producer.", "consumer.", "admin.")) {
                    worker.put(client + key, "${env:" + variable + "}");
                }
            }
            final java.util.Properties connector = new java.util.Properties();
            connector.putAll(dev.orchestrator.app.connect.ExecutorConnector.config(instance.topics(), bootstrap, 1,
                    Map.of("type", "simulated", "delay.ms", "50")));
            for (final String variable : environment.keySet()) {
                connector.put("orchestrator.producer." + variable.substring("KAFKA_".length()).toLowerCase(java.util.Locale.ROOT)
                        .replace('_', '.'), "${env:" + variable + "}");
            }
            final Path workerFile = dir.resolve(prefix + "worker.properties");
            final Path connectorFile = dir.resolve(prefix + "executor.properties");
            try (java.io.Writer out = java.nio.file.Files.newBufferedWriter(workerFile)) {
                worker.store(out, "KafkaSecurityIT");
            }
            try (java.io.Writer out = java.nio.file.Files.newBufferedWriter(connectorFile)) {
                connector.store(out, "KafkaSecurityIT");
            }
            assertThat(java.nio.file.Files.readString(workerFile) + java.nio.file.Files.readString(connectorFile))
                    .as("no credential written to a file").doesNotContain(SecureBroker.PASSWORD);
            final String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            final ProcessBuilder builder = new ProcessBuilder(Processes.javaCommand("-Xmx384m", "-cp", classPath,
                    "org.apache.kafka.connect.cli.ConnectStandalone", workerFile.toString(), connectorFile.toString())).redirectErrorStream(true)
                    .redirectOutput(Path.of("target", "secure-connect-worker-" + protocol + ".log").toFile());
            builder.environment().putAll(environment);
            final Process connect = builder.start();
            try {
                final ApiClient api = new ApiClient(instance::httpPort, null, Duration.ofSeconds(90));
                assertThat(api.send("POST", "/v1/data-units", UNIT.replace("s-1", prefix + "u")).statusCode()).isEqualTo(202);
                api.poll("/v1/units/" + prefix + "u", unit -> true);
                assertThat(api.send("POST", "/v1/demands", """
                        {"demandId": "%sd", "consumerId": "team-s", "resources": {"storage": "10 GB"}}""".formatted(prefix))
                        .statusCode())
                        .isEqualTo(202);
                // ACTIVE only once the executor in the worker provisioned it and wrote PROVISIONED back
                api.poll("/v1/demands/" + prefix + "d", d -> d.path("status").asText().equals("ACTIVE"));
            } finally {
                connect.destroy();
                connect.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    // over TLS only: the engine, tail and verify above take SCRAM and TLS through the same client settings the
    // bench's load and collector use, and a second bench cost the test command 25 s of its 25 minutes
    @ParameterizedTest(name = "over {0}")
    @ValueSource(strings = {"SSL"})
    void benchAgainstTheClusterAuthenticatesEveryClientItStarts(final String protocol) throws Exception {
        final Result bench = run(environment(protocol), "bench", "--bootstrap", bootstrap(protocol), "--units", "40",
                "--demands", "400", "--set", "topic.partitions=2");
        assertThat(bench.exit()).as(bench.output() + bench.error()).isZero();
        assertThat(bench.output()).contains("decisions                          400 in", "verify                             passed");
    }

    @Test
    void aWrongPasswordEndsEachCommandWithStatus2AndOneLineNamingTheSetting() throws Exception {
        for (final List<String> command : List.of(
                List.of("verify", "--bootstrap", broker.saslBootstrap()),
                List.of("tail", "allocations", "--bootstrap", broker.saslBootstrap()),
                List.of("bench", "--bootstrap", broker.saslBootstrap(), "--units", "10", "--demands", "10"),
                List.of("run", "--bootstrap", broker.saslBootstrap(), "--http-port", "0", "--set",
                        "state.dir=" + dir.resolve("wrong-run")))) {
            final long started = System.nanoTime();
            final Result result = run(sasl("not-the-password"), command.toArray(String[]::new));
            assertThat(result.exit()).as(command + ": " + result.output()).isEqualTo(2);
            final List<String> errors = result.error().lines().filter(l -> !l.isBlank()).toList();
            assertThat(errors).as(command + " stderr").hasSize(1);
            assertThat(errors.get(0)).startsWith("orchestrator: config error: the Kafka cluster refused")
                    .contains("KAFKA_SASL_JAAS_CONFIG").doesNotContain("not-the-password");
            assertThat(result.output()).doesNotContain("Exception", "\tat ");
            assertThat((System.nanoTime() - started) / 1e9).as(command + " seconds").isLessThan(30);
        }
    }

    @Test
    void anUntrustedBrokerCertificateEndsTheCommandWithStatus2AndOneLine() throws Exception {
        // SSL without the truststore: the broker's self-signed certificate is not trusted
        final Result untrusted = run(Map.of("KAFKA_SECURITY_PROTOCOL", "SSL"), "verify", "--bootstrap", broker.tlsBootstrap());
        assertThat(untrusted.exit()).as(untrusted.output()).isEqualTo(2);
        assertThat(untrusted.error().strip()).contains("KAFKA_SSL_TRUSTSTORE_LOCATION").doesNotContain("\n");
    }

    private record Result(int exit, String output, String error) {
    }

    private Result run(final Map<String, String> environment, final String... args) throws Exception {
        final List<String> command = Processes.javaCommand("-Xmx384m", "-jar", JAR);
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        final Path out = dir.resolve("out-" + System.nanoTime());
        final Path err = dir.resolve("err-" + System.nanoTime());
        final Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
            process.destroyForcibly();
            throw new AssertionError(List.of(args) + " did not finish in 90 s");
        }
        return new Result(process.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8),
                java.nio.file.Files.readString(err, StandardCharsets.UTF_8));
    }
}
