package dev.orchestrator.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestrator.app.chaos.ChaosLoad;
import dev.orchestrator.app.chaos.Processes;
import dev.orchestrator.app.kafka.TopicWriter;
import dev.orchestrator.app.verify.VerifyReport;
import dev.orchestrator.app.verify.Verifier;
import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.DataUnitEventType;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: an engine process killed with SIGKILL in the middle of a stack's create resumes it after
 * its restart, and nothing is provisioned twice: a stand-in executor counts the provisioning calls it
 * gets per idempotency key (the command id) and per allocation.
 */
class StackKillIT {
    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();
    private static final Pattern HTTP_PORT = Pattern.compile("orchestrator running: .* http=http://[^:]+:(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aStackCreateKilledMidwayResumesAfterTheRestartWithNothingProvisionedTwice() throws Exception {
        final Topics topics = ChaosLoad.topics();
        final Processes processes = new Processes(dir);
        // a static group member, as README advises: the restarted engine takes its partitions back at once instead of
        // waiting out the killed one's session (45 s)
        final List<String> settings = List.of("application.id=stack-kill", "topic.partitions=2",
                "kafka.main.consumer.group.instance.id=stack-kill-engine");
        Process engine = processes.engine("engine", KAFKA.bootstrapServers(), settings);
        try (TopicWriter writer = new TopicWriter(KAFKA.bootstrapServers(), Map.of());
             DelayedExecutor executor = new DelayedExecutor(KAFKA.bootstrapServers(), topics, "counting-executor",
                     // slow provisioning: the kill lands while resources are still being created
                     Map.of(CommandType.PROVISION, Duration.ofMillis(1_500)))) {
            processes.awaitLog("engine", "-> RUNNING", Duration.ofSeconds(90));
            register(writer, topics, "disk-1", ResourceKind.STORAGE, ResourceSpec.newBuilder()
                    .setStorage(new Quantity("1000", "GB")).build());
            register(writer, topics, "gpu-1", ResourceKind.COMPUTE, ResourceSpec.newBuilder().setCpu(new Quantity("64", "vcpu"))
                    .setMemory(new Quantity("512", "GiB")).setGpuCount(8).setGpuType("a100").build());
            writer.flush();
            await(() -> get("/v1/units/gpu-1").statusCode() == 200 && get("/v1/units/disk-1").statusCode() == 200);

            final String template = Files.readString(Path.of("../examples/three-tier-stack.yaml"));
            final HttpResponse<String> created = send("POST", "/v1/stacks", JSON.writeValueAsString(Map.of("id", "serving",
                    "consumerId", "team-a", "template", template, "parameters", Map.of("replicas", "3"))));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
            // the storage is created and the pool's replicas are being provisioned: kill the engine now
            await(() -> executor.byAllocation(CommandType.PROVISION).keySet().stream()
                    .anyMatch(a -> a.startsWith("stack:serving/t1/pool/")));
            final JsonNode before = JSON.readTree(get("/v1/stacks/serving").body());
            Processes.kill(engine);
            assertThat(before.path("status").asText()).as("killed mid-create").isEqualTo("CREATE_IN_PROGRESS");
            assertThat(before.path("resources").path("pool").path("status").asText()).isEqualTo("CREATE_IN_PROGRESS");
            assertThat(get("/v1/stacks/serving", 0)).as("the engine is gone").isNull();

            engine = processes.engine("engine", KAFKA.bootstrapServers(), settings);
            processes.awaitLog("engine", "-> RUNNING", 2, Duration.ofSeconds(120));
            final JsonNode done = awaitStack(s -> !s.path("status").asText().endsWith("IN_PROGRESS"));

            assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("CREATE_COMPLETE");
            assertThat(done.path("resources").path("pool").path("attributes").path("ready_replicas").asText()).isEqualTo("3");
            // nothing provisioned twice: one call per command id, one command per allocation, every allocation once
            assertThat(executor.callsPerCommand).allSatisfy((command, calls) -> assertThat(calls).as(command).isEqualTo(1));
            assertThat(executor.byAllocation(CommandType.PROVISION)).containsOnlyKeys("stack:serving/t1/weights/0", "stack:serving/t1/pool/0",
                    "stack:serving/t1/pool/1", "stack:serving/t1/pool/2");
            assertThat(executor.byAllocation(CommandType.PROVISION)).allSatisfy((allocation, commands) ->
                    assertThat(commands).hasSize(1));
            final VerifyReport report = new Verifier(topics, KAFKA.bootstrapServers(), Map.of(), 0).forApplication("stack-kill").verify();
            assertThat(report.violations()).isEmpty();
            System.out.printf("stack resumed after SIGKILL: %s; %d provisioning calls for %d allocations%n",
                    done.path("status").asText(), executor.callsPerCommand.size(),
                    executor.byAllocation(CommandType.PROVISION).size());
        } finally {
            engine.destroy();
            assertThat(engine.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static void register(final TopicWriter writer, final Topics topics, final String id, final ResourceKind kind,
                                 final ResourceSpec capacity) {
        writer.send(topics.dataUnit, id, DataUnitEvent.newBuilder().setEventId("register-" + id).setDataUnitId(id)
                .setProviderId("p-" + id).setType(DataUnitEventType.REGISTER).setKind(kind).setRegion("eu-west-1")
                .setCapacity(capacity).setPricePerHour(new Money(BigDecimal.ONE, "USD")).setAt(Instant.now()).build());
    }

    private JsonNode awaitStack(final java.util.function.Predicate<JsonNode> done) throws Exception {
        final JsonNode[] last = new JsonNode[1];
        await(() -> {
            final HttpResponse<String> answer = get("/v1/stacks/serving");
            last[0] = answer != null && answer.statusCode() == 200 ? JSON.readTree(answer.body()) : null;
            return last[0] != null && done.test(last[0]);
        });
        return last[0];
    }

    private interface Check {
        boolean met() throws Exception;
    }

    private static void await(final Check check) throws Exception {
        final long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!check.met()) {
            assertThat(System.nanoTime()).as("waited 120 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private int port() throws java.io.IOException {
        final Matcher matcher = HTTP_PORT.matcher(Files.readString(dir.resolve("engine.log")));
        int port = -1;
        while (matcher.find()) {
            port = Integer.parseInt(matcher.group(1));
        }
        return port;
    }

    private HttpResponse<String> get(final String path) throws Exception {
        return send("GET", path, null);
    }

    private HttpResponse<String> get(final String path, final int unused) {
        try {
            return send("GET", path, null);
        } catch (final Exception e) {
            return null;
        }
    }

    private HttpResponse<String> send(final String method, final String path, final String body) throws Exception {
        final int port = port();
        if (port < 0) {
            return null;
        }
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
