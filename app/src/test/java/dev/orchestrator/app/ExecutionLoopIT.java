package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestrator.app.chaos.Processes;
import dev.orchestrator.app.config.ConfigLoader;
import dev.orchestrator.app.config.OrchestratorConfig;
import dev.orchestrator.app.connect.EmbeddedConnectWorker;
import dev.orchestrator.app.connect.ExecutorConnector;
import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.ExecutionJob;
import dev.orchestrator.avro.ExecutionOutcome;
import dev.orchestrator.avro.JobState;
import dev.orchestrator.avro.OutcomeStatus;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.connectors.telemetry.TelemetrySourceConnector;
import dev.orchestrator.schemas.DeadLetterHeaders;
import dev.orchestrator.schemas.Topic;
import dev.orchestrator.testing.TestKafka;
import dev.orchestrator.testing.standin.JsonServer;
import dev.orchestrator.testing.standin.NosanaStandIn;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's loop with real parts: the engine on an in-process broker, the command executor in a real
 * Kafka Connect worker (a separate JVM, so it can be killed with SIGKILL), and the Nosana adapter
 * against a local stand-in of the job sidecar that counts launches per command id (the idempotency
 * key). Transient provider errors are retried, a terminal one fails the job into the DLQ and the
 * engine places the demand again, and a killed worker repeats nothing it had done.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExecutionLoopIT {
    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private final ApiClient api = new ApiClient(() -> this.instance.httpPort(), null, Duration.ofSeconds(90));
    private NosanaStandIn nosana;
    /** The units' health pages, which the telemetry source connector probes. */
    private final JsonServer health = new JsonServer() {
        @Override
        protected Reply handle(final String method, final String path, final Map<String, String> query, final String authorization,
                               final JsonNode body) {
            return new Reply(200, Map.of("status", "UP", "usedCapacity", Map.of("gpuCount", 1)));
        }
    };
    private Instance instance;
    private Process worker;
    private int workerStarts;

    @BeforeAll
    void start() throws Exception {
        nosana = new NosanaStandIn("sidecar-key", "market-gpu", 200, 1_500);
        final OrchestratorConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of(
                "bootstrap.servers", KAFKA.bootstrapServers(), "http.port", "0", "http.host", "127.0.0.1",
                "state.dir", dir.resolve("state").toString(), "application.id", "loop-it", "topic.partitions", "4",
                "engine.heartbeat.limit.ms", "600000"), ConfigLoader.Mode.RUN);
        instance = Instance.start(config);
        assertThat(InstanceIT.awaitReady(instance.httpPort(), Duration.ofSeconds(60))).isEqualTo(200);
        for (int i = 1; i <= 6; i++) {
            assertThat(post("/v1/data-units", """
                    {"dataUnitId": "gpu-%d", "providerId": "nosana-%d", "kind": "COMPUTE", "region": "eu-west",
                     "capacity": {"cpu": "64 vcpu", "memory": "256 GB", "gpuCount": 8}, "pricePerHour": {"amount": "%d.00", "currency": "USD"}}"""
                    .formatted(i, i % 3, i)).statusCode()).isEqualTo(202);
        }
        poll("/v1/units", page -> page.path("items").size() == 6);
        startWorker();
    }

    @AfterAll
    void stop() {
        if (worker != null) {
            worker.destroyForcibly();
        }
        if (instance != null) {
            instance.close();
        }
        if (nosana != null) {
            nosana.close();
        }
        health.close();
    }

    @Test
    @Order(1)
    void transientProviderErrorsAreRetriedWithBackoffAndTheUnitGoesInUse() throws Exception {
        nosana.refuseLaunches("flaky", 503, 2);

        assertThat(demand("d-flaky", 1).statusCode()).isEqualTo(202);

        final JsonNode active = poll("/v1/demands/d-flaky", d -> "ACTIVE".equals(d.path("status").asText()));
        assertThat(active.path("endpoint").asText()).endsWith(".node.nos.ci");
        final ExecutionOutcome outcome = outcomesOf("d-flaky").get(0);
        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.PROVISIONED);
        assertThat(outcome.getAttempts()).isEqualTo(3);
        assertThat(jobsOf("d-flaky")).extracting(j -> j.getState() + "/" + j.getErrorKind())
                .contains("PROCESSING/TRANSIENT", "PENDING_VERIFICATION/null", "COMPLETED/null");
        assertThat(poll("/v1/units/" + active.path("unitId").asText(), u -> "IN_USE".equals(u.path("state").asText()))
                .path("state").asText()).isEqualTo("IN_USE");
        assertThat(poll("/v1/routes", r -> r.path("items").toString().contains("d-flaky")).path("items").toString())
                .contains(".node.nos.ci");
    }

    @Test
    @Order(2)
    void theTelemetrySourceConnectorSendsHeartbeatsFromTheUnitsHealthPages() throws Exception {
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<dev.orchestrator.avro.Telemetry> beats = List.of();
        while (beats.stream().map(t -> t.getDataUnitId()).distinct().count() < 6 && System.nanoTime() < deadline) {
            Thread.sleep(500);
            beats = decoded(instance.topics().telemetry);
        }
        assertThat(beats).extracting(t -> t.getDataUnitId()).contains("gpu-1", "gpu-2", "gpu-3", "gpu-4", "gpu-5", "gpu-6");
        assertThat(beats).allSatisfy(t -> {
            assertThat(t.getAvailable()).isTrue();
            assertThat(t.getLatencyMillis()).isPositive();
            assertThat(t.getUsedCapacity().getGpuCount()).isEqualTo(1);
        });
        assertThat(beats).filteredOn(t -> t.getDataUnitId().equals("gpu-4")).extracting(t -> t.getProviderId()).containsOnly("nosana-1");
    }

    @Test
    @Order(3)
    void aTerminalErrorFailsTheJobIntoTheDeadLetterTopicAndTheDemandIsPlacedAgain() throws Exception {
        nosana.refuseLaunches("doomed", 403, 1);

        assertThat(demand("d-doomed", 1).statusCode()).isEqualTo(202);

        final JsonNode active = poll("/v1/demands/d-doomed", d -> "ACTIVE".equals(d.path("status").asText()));
        final List<ExecutionOutcome> outcomes = outcomesOf("d-doomed");
        assertThat(outcomes).extracting(ExecutionOutcome::getStatus).containsExactly(OutcomeStatus.FAILED, OutcomeStatus.PROVISIONED);
        assertThat(outcomes.get(0).getAttempts()).as("a terminal error is not retried").isEqualTo(1);
        assertThat(outcomes.get(0).getErrorCode()).isEqualTo("TERMINAL");
        assertThat(outcomes.get(0).getErrorMessage()).contains("403");
        assertThat(active.path("unitId").asText()).isNotEqualTo(outcomes.get(0).getDataUnitId());

        final List<ConsumerRecord<byte[], byte[]>> dead = read(instance.topics().dlq.name()).stream()
                .filter(r -> header(r, DeadLetterHeaders.REASON).equals("EXECUTION_FAILED")).toList();
        assertThat(dead).hasSize(1);
        assertThat(header(dead.get(0), DeadLetterHeaders.SOURCE)).isEqualTo(instance.topics().commands.name());
        assertThat(header(dead.get(0), DeadLetterHeaders.MESSAGE)).contains("403");
        assertThat(instance.topics().commands.valueSerde().deserializer().deserialize("", dead.get(0).value()).getDemandId())
                .isEqualTo("d-doomed");

        final List<AllocationResult> results = decoded(instance.topics().allocations).stream()
                .filter(r -> r.getDemandId().equals("d-doomed")).toList();
        assertThat(results).filteredOn(r -> r.getStatus() == AllocationStatus.PLACED).extracting(AllocationResult::getReason)
                .containsExactly(ReasonCode.NONE);
        assertThat(results).filteredOn(r -> r.getStatus() == AllocationStatus.REPLACED).extracting(AllocationResult::getReason)
                .containsExactly(ReasonCode.EXECUTION_FAILED);
        assertThat(jobsOf("d-doomed")).filteredOn(j -> j.getState() == JobState.FAILED).hasSize(1);
    }

    @Test
    @Order(4)
    void aWorkerKilledMidRunProvisionsNothingTwiceAfterItsRestart() throws Exception {
        final int bulk = 24;
        for (int i = 0; i < bulk; i++) {
            assertThat(demand("d-bulk-" + i, 1).statusCode()).isEqualTo(202);
        }
        // kill while jobs are launched and waiting to be verified (a job runs after 1.5 s on the stand-in)
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (launchedBulk() < bulk / 3 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        final int launchedBeforeKill = launchedBulk();
        worker.destroyForcibly().waitFor();
        assertThat(launchedBeforeKill).as("launches before the kill").isBetween(1, bulk - 1);

        startWorker();

        for (int i = 0; i < bulk; i++) {
            poll("/v1/demands/d-bulk-" + i, d -> "ACTIVE".equals(d.path("status").asText()));
        }
        final Map<String, Integer> launches = nosana.launchesByCommand();
        assertThat(launches).as("launches per command id").allSatisfy((command, count) -> assertThat(count).isEqualTo(1));
        assertThat(launchedBulk()).isEqualTo(bulk);
        // the restarted worker met commands whose jobs were already at the provider, and found them there
        assertThat(jobsOf("d-bulk-")).filteredOn(j -> j.getState() == JobState.CREATED).hasSizeGreaterThan(bulk);
        System.out.printf("kill -9 after %d of %d launches; launches per command after restart: max %d%n",
                launchedBeforeKill, bulk, launches.values().stream().mapToInt(Integer::intValue).max().orElse(0));
    }

    @Test
    @Order(5)
    void failedJobsAreListedAndRunAgainThroughTheApiAndWhatTheyProvisionForAMovedDemandIsRemoved() throws Exception {
        nosana.refuseLaunches("stubborn", 403, 3);

        assertThat(demand("d-stubborn", 1).statusCode()).isEqualTo(202);

        final JsonNode rejected = poll("/v1/demands/d-stubborn", d -> "REJECTED".equals(d.path("status").asText()));
        assertThat(rejected.path("attempts").asInt()).isEqualTo(3);
        final JsonNode failed = poll("/v1/jobs?state=FAILED", j -> stubborn(j).size() == 3);
        final List<String> commands = stubborn(failed);
        assertThat(post("/v1/jobs/" + commands.get(0) + "/retry", "").statusCode()).isEqualTo(202);
        final HttpResponse<String> twice = post("/v1/jobs/" + commands.get(0) + "/retry", "");
        assertThat(twice.statusCode()).isEqualTo(409);
        // refused either way: before the job runs again it was already retried, once it runs it is no longer failed
        assertThat(twice.body()).containsAnyOf("ALREADY_RETRIED", "NOT_FAILED");
        final JsonNode bulk = JSON.readTree(post("/v1/jobs/retry", "").body());
        // the rest of the stubborn ones, and d-doomed's failed first job
        assertThat(bulk.path("commandIds")).extracting(JsonNode::asText).contains(commands.get(1), commands.get(2));

        poll("/v1/jobs?state=FAILED", j -> stubborn(j).isEmpty() && !j.path("items").toString().contains("d-doomed"));
        // each ran again and provisioned for an allocation its unit no longer holds: the engine had it removed
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!nosana.stoppedCommands().containsAll(commands) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(nosana.stoppedCommands()).containsAll(commands);
        final JsonNode doomed = poll("/v1/demands/d-doomed", d -> true);
        assertThat(doomed.path("status").asText()).as("the re-placed demand keeps running").isEqualTo("ACTIVE");
        assertThat(nosana.stoppedCommands()).noneMatch(c -> c.startsWith("d-doomed") && c.endsWith(":p2"));
        assertThat(nosana.launchesByCommand()).allSatisfy((command, count) -> assertThat(count).isEqualTo(1));
    }

    private static List<String> stubborn(final JsonNode jobs) {
        final List<String> commands = new ArrayList<>();
        jobs.path("items").forEach(j -> {
            if (j.path("demandId").asText().equals("d-stubborn")) {
                commands.add(j.path("commandId").asText());
            }
        });
        commands.sort(String::compareTo);
        return commands;
    }

    private int launchedBulk() {
        return (int) nosana.launchesByCommand().keySet().stream().filter(c -> c.startsWith("d-bulk-")).count();
    }

    private void startWorker() throws IOException {
        workerStarts++;
        final Path workerProps = dir.resolve("worker.properties");
        final Properties worker = new Properties();
        // the demo's worker settings, with quicker commits and a shorter session so the kill shows sooner
        worker.putAll(EmbeddedConnectWorker.settings(KAFKA.bootstrapServers(), dir.resolve("connect.offsets")));
        worker.putAll(Map.of("offset.flush.interval.ms", "500", "consumer.session.timeout.ms", "6000",
                "consumer.heartbeat.interval.ms", "1000"));
        store(worker, workerProps);
        final Map<String, String> adapter = Map.of("type", "nosana", "url", nosana.url().toString(), "api.key", "sidecar-key",
                "market", "market-gpu", "request.timeout.ms", "3000");
        final Properties connector = new Properties();
        connector.putAll(ExecutorConnector.config(instance.topics(), KAFKA.bootstrapServers(), 2, adapter));
        connector.putAll(Map.of("retry.backoff.initial.ms", "100", "retry.backoff.max.ms", "1000",
                "verify.poll.ms", "200", "verify.timeout.ms", "30000"));
        final Path connectorProps = dir.resolve("executor.properties");
        store(connector, connectorProps);
        final Properties telemetry = new Properties();
        final List<String> endpoints = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            endpoints.add("nosana-" + (i % 3) + "/gpu-" + i + "=" + health.url() + "/health/gpu-" + i);
        }
        telemetry.putAll(Map.of("name", "orchestrator-telemetry", "connector.class", TelemetrySourceConnector.class.getName(),
                "tasks.max", "2", "telemetry.endpoints", String.join(",", endpoints), "poll.interval.ms", "1000",
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter"));
        final Path telemetryProps = dir.resolve("telemetry.properties");
        store(telemetry, telemetryProps);
        final String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        final File log = Path.of("target", "connect-worker-" + workerStarts + ".log").toFile();
        this.worker = new ProcessBuilder(Processes.javaCommand("-Xmx512m", "-cp", classPath,
                "org.apache.kafka.connect.cli.ConnectStandalone", workerProps.toString(), connectorProps.toString(),
                telemetryProps.toString()))
                .redirectErrorStream(true).redirectOutput(log).start();
    }

    private static void store(final Properties properties, final Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            properties.store(out, "written by ExecutionLoopIT");
        }
    }

    private HttpResponse<String> demand(final String id, final int gpus) throws Exception {
        return post("/v1/demands", """
                {"demandId": "%s", "consumerId": "team-gpu", "kind": "COMPUTE", "resources": {"gpuCount": %d, "cpu": "2 vcpu"}}"""
                .formatted(id, gpus));
    }

    private List<ExecutionOutcome> outcomesOf(final String demandPrefix) {
        final Map<String, String> commandsOfDemand = new HashMap<>();
        jobsOf(demandPrefix).forEach(j -> commandsOfDemand.put(j.getCommandId(), j.getCommand().getDemandId()));
        return decoded(instance.topics().outcomes).stream().filter(o -> commandsOfDemand.containsKey(o.getCommandId())).toList();
    }

    private List<ExecutionJob> jobsOf(final String demandPrefix) {
        return decoded(instance.topics().jobs).stream().filter(j -> j.getCommand().getDemandId().startsWith(demandPrefix)).toList();
    }

    private <V> List<V> decoded(final Topic<String, V> topic) {
        final List<V> values = new ArrayList<>();
        for (final ConsumerRecord<byte[], byte[]> record : read(topic.name())) {
            values.add(topic.valueSerde().deserializer().deserialize(topic.name(), record.value()));
        }
        return values;
    }

    private List<ConsumerRecord<byte[], byte[]>> read(final String topic) {
        final Map<String, Object> settings = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final var partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            records.sort(java.util.Comparator.comparingLong(ConsumerRecord::timestamp));
            return records;
        }
    }

    private static String header(final ConsumerRecord<byte[], byte[]> record, final String name) {
        final var header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    private JsonNode poll(final String path, final Predicate<JsonNode> done) throws Exception {
        return api.poll(path, done);
    }

    private HttpResponse<String> post(final String path, final String body) throws Exception {
        return api.send("POST", path, body);
    }
}
