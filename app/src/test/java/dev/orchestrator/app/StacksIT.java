package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestrator.testing.TestKafka;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stacks on a real broker, a running engine and the real command executor (the Connect sink connector
 * in a worker, through the simulated adapter): the example three-tier stack created through the API
 * is placed through the decision path (its storage and its GPU pool's replicas as demands, provisioned
 * by the executor), reaches CREATE_COMPLETE with its outputs, is scaled in place and has its pool
 * replaced on another GPU model, and is deleted, the event log telling the story in order; a bad
 * template is refused naming line and path before anything is published.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StacksIT {
    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();
    private static final String TOKEN = "stacks-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static final String FLEET = "stacks-it";
    private Instance engine;
    private dev.orchestrator.app.connect.EmbeddedConnectWorker executor;
    private final ApiClient api = new ApiClient(() -> engine.httpPort(), TOKEN, Duration.ofSeconds(90));

    @BeforeAll
    void start() throws Exception {
        // the units here send no heartbeats: a limit past the class's run keeps them healthy whatever the tests' order
        engine = EngineWithExecutor.instance(KAFKA, dir.resolve("state"), "stacks-it", TOKEN,
                Map.of("engine.heartbeat.limit.ms", "3600000"));
        // the real command executor: the Connect sink connector in a worker, provisioning through the simulated adapter
        executor = dev.orchestrator.app.connect.EmbeddedConnectWorker.start(KAFKA.bootstrapServers(),
                dir.resolve("connect.offsets"), dev.orchestrator.app.connect.ExecutorConnector.NAME,
                dev.orchestrator.app.connect.ExecutorConnector.config(engine.topics(), KAFKA.bootstrapServers(), 2,
                        Map.of("type", "simulated", "delay.ms", "200", "failure.rate", "0", "seed", "3", "fleet", FLEET)));
        for (final String unit : List.of(
                "{\"dataUnitId\": \"disk-1\", \"providerId\": \"p-1\", \"kind\": \"STORAGE\", \"region\": \"eu-west-1\","
                        + " \"capacity\": {\"storage\": \"1000 GB\"}, \"pricePerHour\": {\"amount\": \"0.50\", \"currency\": \"USD\"}}",
                "{\"dataUnitId\": \"gpu-1\", \"providerId\": \"p-2\", \"kind\": \"COMPUTE\", \"region\": \"eu-west-1\","
                        + " \"capacity\": {\"cpu\": \"64 vcpu\", \"memory\": \"512 GiB\", \"gpuCount\": 8, \"gpuType\": \"a100\"},"
                        + " \"pricePerHour\": {\"amount\": \"20.00\", \"currency\": \"USD\"}}",
                "{\"dataUnitId\": \"l4-1\", \"providerId\": \"p-3\", \"kind\": \"COMPUTE\", \"region\": \"eu-west-1\","
                        + " \"capacity\": {\"cpu\": \"48 vcpu\", \"memory\": \"256 GiB\", \"gpuCount\": 4, \"gpuType\": \"l4\"},"
                        + " \"pricePerHour\": {\"amount\": \"6.00\", \"currency\": \"USD\"}}")) {
            assertThat(api.send("POST", "/v1/data-units", unit).statusCode()).isEqualTo(202);
        }
        api.poll("/v1/units/gpu-1", u -> true);
        api.poll("/v1/units/disk-1", u -> true);
    }

    @AfterAll
    void stop() {
        executor.close();
        engine.close();
    }

    /** Starts a drift check of stack {@code id} and returns its report once every replica answered. */
    private JsonNode checked(final String id) throws Exception {
        final HttpResponse<String> started = api.send("POST", "/v1/stacks/" + id + "/check", null);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        final String checkId = JSON.readTree(started.body()).path("id").asText();
        return api.poll("/v1/stacks/" + id + "/check", r -> r.path("live").path("checkId").asText().equals(checkId)
                && r.path("live").path("status").asText().equals("COMPLETE"));
    }

    private static String body(final String id, final String template, final Map<String, String> parameters) throws Exception {
        return JSON.writeValueAsString(Map.of("id", id, "template", template, "parameters", parameters, "consumerId", "team-a"));
    }

    @Test
    void theExampleStackIsCreatedScaledReplacedAndDeletedThroughTheDecisionPathWithItsStoryInOrder() throws Exception {
        final String template = Files.readString(Path.of("../examples/three-tier-stack.yaml"));

        final HttpResponse<String> created = api.send("POST", "/v1/stacks", body("serving", template, Map.of("replicas", "2")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        final JsonNode complete = api.poll("/v1/stacks/serving", s -> !s.path("status").asText().endsWith("IN_PROGRESS"));

        assertThat(complete.path("status").asText()).as(complete.toString()).isEqualTo("CREATE_COMPLETE");
        assertThat(complete.path("resources").path("weights").path("attributes").path("unit_id").asText()).isEqualTo("disk-1");
        assertThat(complete.path("resources").path("pool").path("attributes").path("ready_replicas").asText()).isEqualTo("2");
        assertThat(complete.path("outputs").path("url").asText()).as("the route's url").startsWith("sim://gpu-1/")
                .contains("/v1?image=vllm/vllm-openai:v0.6.3");
        // the two replicas are allocations of the GPU unit, as any demand's
        assertThat(api.poll("/v1/units/gpu-1", u -> u.path("allocations").size() == 2).path("allocations"))
                .extracting(a -> a.path("allocationId").asText())
                .containsExactlyInAnyOrder("stack:serving/t1/pool/0", "stack:serving/t1/pool/1");

        assertThat(api.send("POST", "/v1/stacks", body("serving", template, Map.of())).statusCode()).as("exists").isEqualTo(409);
        // drift: the executor reads each replica back from the provider (the simulated one, this JVM's stand-in)
        final JsonNode inSync = checked("serving");
        assertThat(inSync.path("status").asText()).as(inSync.toString()).isEqualTo("IN_SYNC");
        assertThat(inSync.path("live").path("answered").asInt()).as(inSync.toString()).isEqualTo(3);
        // an operator changes a replica's image by hand, behind the executor's back: the next check sees it
        assertThat(dev.orchestrator.adapters.simulated.SimulatedFleet.named(FLEET)
                .tamper("stack:serving/t1/pool/1", "image", "vllm/vllm-openai:latest")).isEqualTo(1);
        final JsonNode drifted = checked("serving");
        assertThat(drifted.path("status").asText()).as(drifted.toString()).isEqualTo("DRIFTED");
        assertThat(drifted.path("resources").path("vllm").asText()).isEqualTo("DRIFTED");
        assertThat(drifted.path("live").path("drift")).hasSize(1);
        assertThat(drifted.path("live").path("drift").get(0).toString()).contains("\"property\":\"image\"",
                "\"expected\":\"vllm/vllm-openai:v0.6.3\"", "vllm/vllm-openai:latest on gpu-1 (stack:serving/t1/pool/1)");

        // scale the pool in place: one more a100 replica, the two there stay
        assertThat(api.send("PATCH", "/v1/stacks/serving", "{\"parameters\": {\"replicas\": \"3\"}}").statusCode()).isEqualTo(202);
        final JsonNode scaled = api.poll("/v1/stacks/serving", s -> s.path("status").asText().equals("UPDATE_COMPLETE"));
        assertThat(scaled.path("resources").path("pool").path("attributes").path("ready_replicas").asText()).isEqualTo("3");
        assertThat(api.poll("/v1/units/gpu-1", u -> u.path("allocations").size() == 3).path("allocations")).hasSize(3);

        // a change of GPU model replaces the pool: three l4 replicas first, then the a100 ones are released
        assertThat(api.send("PATCH", "/v1/stacks/serving", "{\"parameters\": {\"gpu\": \"L4\"}}").statusCode()).isEqualTo(202);
        final JsonNode replaced = api.poll("/v1/stacks/serving", s -> s.path("status").asText().equals("UPDATE_COMPLETE")
                && s.path("traversal").asText().equals("t3"));
        assertThat(replaced.path("resources").path("vllm").path("attributes").path("endpoints").toString()).contains("l4-1")
                .doesNotContain("gpu-1");
        api.poll("/v1/units/gpu-1", u -> u.path("allocations").isEmpty());
        assertThat(api.poll("/v1/units/l4-1", u -> u.path("allocations").size() == 3).path("allocations")).hasSize(3);
        final HttpResponse<String> badUpdate = api.send("PATCH", "/v1/stacks/serving", "{\"parameters\": {\"gpu\": \"TPU\"}}");
        assertThat(badUpdate.statusCode()).as(badUpdate.body()).isEqualTo(400);
        assertThat(badUpdate.body()).contains("parameters.gpu");
        // a model nobody here offers, with rollback asked for: the update fails, and the stack goes back to l4, whose
        // replicas kept serving (they are taken back, not placed again)
        assertThat(api.send("PATCH", "/v1/stacks/serving", "{\"parameters\": {\"gpu\": \"H100\"}, \"rollback\": true}")
                .statusCode()).isEqualTo(202);
        final JsonNode rolledBack = api.poll("/v1/stacks/serving", s -> s.path("status").asText().equals("ROLLBACK_COMPLETE"));
        assertThat(rolledBack.path("resources").path("pool").path("attributes").path("ready_replicas").asText()).isEqualTo("3");
        assertThat(rolledBack.path("resources").path("vllm").path("attributes").path("endpoints").toString()).contains("l4-1")
                .contains("/t3/pool/");
        assertThat(api.poll("/v1/units/l4-1", u -> u.path("allocations").size() == 3).path("allocations")).hasSize(3);

        assertThat(api.send("DELETE", "/v1/stacks/serving", null).statusCode()).isEqualTo(202);
        final JsonNode deleted = api.poll("/v1/stacks/serving", s -> s.path("status").asText().startsWith("DELETE_")
                && !s.path("status").asText().endsWith("IN_PROGRESS"));
        assertThat(deleted.path("status").asText()).as(deleted.toString()).isEqualTo("DELETE_COMPLETE");
        api.poll("/v1/units/gpu-1", u -> u.path("allocations").isEmpty());

        final List<String> story = new ArrayList<>();
        api.poll("/v1/stacks/serving/events", e -> true).forEach(e -> story.add(e.path("resource").asText() + " "
                + e.path("status").asText()));
        assertThat(story).containsExactly(
                " CREATE_IN_PROGRESS", "weights CREATE_IN_PROGRESS", "weights CREATE_COMPLETE",
                "pool CREATE_IN_PROGRESS", "pool CREATE_COMPLETE", "vllm CREATE_IN_PROGRESS", "vllm CREATE_COMPLETE",
                "api CREATE_IN_PROGRESS", "api CREATE_COMPLETE", " CREATE_COMPLETE",
                " UPDATE_IN_PROGRESS", "pool UPDATE_IN_PROGRESS", "pool UPDATE_COMPLETE", " UPDATE_COMPLETE",
                " UPDATE_IN_PROGRESS", "pool UPDATE_IN_PROGRESS", "pool UPDATE_COMPLETE", " UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
                " UPDATE_COMPLETE",
                " UPDATE_IN_PROGRESS", "pool UPDATE_IN_PROGRESS", "pool UPDATE_FAILED", " UPDATE_FAILED", " ROLLBACK_IN_PROGRESS",
                // the two other h100 replicas, retired by the rollback, are refused after it: the clean-up waits for them
                "pool UPDATE_IN_PROGRESS", "pool UPDATE_COMPLETE", " ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", " ROLLBACK_COMPLETE",
                " DELETE_IN_PROGRESS", "api DELETE_IN_PROGRESS", "api DELETE_COMPLETE", "vllm DELETE_IN_PROGRESS",
                "vllm DELETE_COMPLETE", "pool DELETE_IN_PROGRESS", "pool DELETE_COMPLETE", "weights DELETE_IN_PROGRESS",
                "weights DELETE_COMPLETE", " DELETE_COMPLETE");
    }

    @Test
    void aPoolIsCreatedScaledAndDeployedOnAndItsDeploymentRoutesAndRollsThroughPoolsAndDeploymentsRoutes() throws Exception {
        // a region of its own, so that this pool's replicas never share a unit with the other tests' stacks
        assertThat(api.send("POST", "/v1/data-units", "{\"dataUnitId\": \"cpu-us-1\", \"providerId\": \"p-4\", \"kind\": "
                + "\"COMPUTE\", \"region\": \"us-east-1\", \"capacity\": {\"cpu\": \"64 vcpu\", \"memory\": \"256 GiB\"},"
                + " \"pricePerHour\": {\"amount\": \"2.00\", \"currency\": \"USD\"}}").statusCode()).isEqualTo(202);
        api.poll("/v1/units/cpu-us-1", u -> true);

        final HttpResponse<String> created = api.send("POST", "/v1/pools", "{\"id\": \"cpus\", \"consumerId\": \"team-a\", "
                + "\"replicas\": 2, \"maxReplicas\": 4, \"cpu\": 4, \"memory\": \"16 GB\", \"regions\": [\"us-east-1\"], "
                + "\"targetUtilization\": 0.5, \"cooldownSeconds\": 0}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        assertThat(created.headers().firstValue("Location")).hasValue("/v1/pools/cpus");
        final JsonNode pool = api.poll("/v1/pools/cpus", p -> p.path("status").asText().equals("CREATE_COMPLETE"));
        assertThat(pool.path("wantedReplicas").asInt()).isEqualTo(2);
        assertThat(pool.path("readyReplicas").asInt()).as(pool.toString()).isEqualTo(2);
        assertThat(pool.path("endpoints")).hasSize(2);
        assertThat(api.poll("/v1/units/cpu-us-1", u -> u.path("allocations").size() == 2).path("allocations")).hasSize(2);
        assertThat(api.poll("/v1/stacks", p -> p.isArray()).findValuesAsText("id")).as("a pool is a stack").contains("cpus");
        assertThat(api.poll("/v1/pools/history", p -> true).has("intervalMillis")).as("the unit pools' history still answers").isTrue();
        assertThat(api.send("POST", "/v1/pools", "{\"id\": \"history\", \"consumerId\": \"team-a\"}").statusCode()).isEqualTo(400);

        // refused before anything is published: past the pool's maximum, a bad image, an env name that is not one
        final HttpResponse<String> tooMany = api.send("PATCH", "/v1/pools/cpus", "{\"replicas\": 5}");
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.body()).contains("replicas", "max_replicas (4)");
        final HttpResponse<String> badImage = api.send("POST", "/v1/deployments", "{\"id\": \"chat\", \"pool\": \"cpus\", "
                + "\"model\": \"m\", \"image\": \"not an image\"}");
        assertThat(badImage.statusCode()).isEqualTo(400);
        assertThat(badImage.body()).contains("\"field\":\"image\"");
        assertThat(api.send("POST", "/v1/deployments", "{\"id\": \"chat\", \"pool\": \"" + "Not a pool ".repeat(1_000)
                + "\", \"model\": \"m\", \"image\": \"ollama/ollama:0.3\"}").body()).contains("\"field\":\"pool\"")
                .doesNotContain("Not a pool");
        assertThat(api.send("POST", "/v1/deployments", "{\"id\": \"chat\", \"pool\": \"nope\", \"model\": \"m\", "
                + "\"image\": \"ollama/ollama:0.3\"}").statusCode()).isEqualTo(404);

        final HttpResponse<String> deployed = api.send("POST", "/v1/deployments", "{\"id\": \"chat\", \"pool\": \"cpus\", "
                + "\"model\": \"qwen2.5:7b\", \"image\": \"ollama/ollama:0.3.12\", \"ports\": [11434], "
                + "\"env\": {\"OLLAMA_KEEP_ALIVE\": \"24h\", \"HF_TOKEN\": \"secret-value\"}}");
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(202);
        // added by an update of the pool's stack: the resource reads UPDATE_COMPLETE once it is there
        final JsonNode deployment = api.poll("/v1/deployments/chat", d -> d.path("status").asText().equals("UPDATE_COMPLETE"));
        assertThat(deployment.path("pool").asText()).isEqualTo("cpus");
        assertThat(deployment.path("image").asText()).isEqualTo("ollama/ollama:0.3.12");
        assertThat(deployment.toString()).as("env values may be secrets: only names are shown").contains("HF_TOKEN")
                .doesNotContain("secret-value");
        final JsonNode routes = api.poll("/v1/deployments/chat/routes", r -> r.path("readyReplicas").asInt() == 2);
        assertThat(routes.path("routes")).hasSize(2).allSatisfy(route -> assertThat(route.path("endpoint").asText())
                .as("the pool's bare replicas were rolled onto the deployment's image").endsWith("?image=ollama/ollama:0.3.12"));
        assertThat(routes.path("routes").get(0).path("ports").get(0).asInt()).isEqualTo(11434);
        assertThat(api.send("POST", "/v1/deployments", "{\"id\": \"chat\", \"pool\": \"cpus\", \"model\": \"m\", "
                + "\"image\": \"ollama/ollama:0.3\"}").statusCode()).as("deployment ids are global").isIn(400, 409);

        // scale by hand: a third replica, and the deployment's routes follow it
        assertThat(api.send("PATCH", "/v1/pools/cpus", "{\"replicas\": 3}").statusCode()).isEqualTo(202);
        api.poll("/v1/pools/cpus", p -> p.path("status").asText().equals("UPDATE_COMPLETE") && p.path("readyReplicas").asInt() == 3);
        assertThat(api.poll("/v1/deployments/chat/routes", r -> r.path("readyReplicas").asInt() == 3).path("routes")).hasSize(3);

        // a new image rolls out one replica at a time: a replica with it is placed and serving before one without
        // it is released, so the deployment never has fewer ready replicas than the pool's count
        assertThat(api.send("PATCH", "/v1/deployments/chat", "{\"image\": \"ollama/ollama:0.4.0\"}").statusCode()).isEqualTo(202);
        int fewestReady = Integer.MAX_VALUE;
        final long rollDeadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode rolling;
        do {
            rolling = api.poll("/v1/deployments/chat/routes", r -> true);
            fewestReady = Math.min(fewestReady, rolling.path("readyReplicas").asInt());
            Thread.sleep(50);
        } while (!(rolling.path("status").asText().equals("UPDATE_COMPLETE")
                && rolling.toString().split("image=ollama/ollama:0.4.0", -1).length == 4) && System.nanoTime() < rollDeadline);
        assertThat(rolling.path("routes")).as(rolling.toString()).hasSize(3).allSatisfy(route ->
                assertThat(route.path("endpoint").asText()).as("the simulated executor answers with the image it runs")
                        .endsWith("?image=ollama/ollama:0.4.0"));
        assertThat(fewestReady).as("ready replicas during the rollout").isEqualTo(3);
        assertThat(api.poll("/v1/units/cpu-us-1", u -> u.path("allocations").size() == 3).path("allocations")).hasSize(3);
        final List<String> rollout = new ArrayList<>();
        api.poll("/v1/stacks/cpus/events", e -> true).forEach(e -> rollout.add(e.path("resource").asText() + " "
                + e.path("status").asText()));
        assertThat(rollout).containsSubsequence("chat UPDATE_IN_PROGRESS", "chat UPDATE_COMPLETE", "chat UPDATE_IN_PROGRESS",
                "chat UPDATE_COMPLETE");

        // busy: ceil(3 x 1.0 / 0.5) = 6, held to maxReplicas 4; the new replicas run the deployment's image
        assertThat(api.send("POST", "/v1/pools/cpus/utilization", "{\"utilization\": 500}").statusCode()).isEqualTo(400);
        assertThat(api.send("POST", "/v1/pools/cpus/utilization", "{\"utilization\": 1.0}").statusCode()).isEqualTo(202);
        assertThat(api.poll("/v1/deployments/chat/routes", r -> r.path("readyReplicas").asInt() == 4).path("routes"))
                .allSatisfy(route -> assertThat(route.path("endpoint").asText()).endsWith("?image=ollama/ollama:0.4.0"));
        assertThat(api.poll("/v1/pools/cpus", p -> true).path("wantedReplicas").asInt()).isEqualTo(4);
        assertThat(api.poll("/v1/stacks/cpus/events", e -> true).toString()).contains("autoscaled 3 -> 4 replicas");

        assertThat(api.send("DELETE", "/v1/deployments/chat", null).statusCode()).isEqualTo(202);
        api.poll("/v1/pools/cpus", p -> p.path("deployments").isEmpty() && p.path("status").asText().equals("UPDATE_COMPLETE"));
        assertThat(api.send("GET", "/v1/deployments/chat", null).statusCode()).isEqualTo(404);
        assertThat(api.send("DELETE", "/v1/pools/cpus", null).statusCode()).isEqualTo(202);
        api.poll("/v1/pools/cpus", p -> p.path("status").asText().equals("DELETE_COMPLETE"));
        api.poll("/v1/units/cpu-us-1", u -> u.path("allocations").isEmpty());
    }

    @Test
    void aBadTemplateIsRefusedWithEachErrorsLineAndPathAndNothingIsPublished() throws Exception {
        final String template = """
                resources:
                  pool:
                    type: orchestrator::compute_pool
                    properties:
                      min_replicas: 1
                  web:
                    type: orchestrator::model_deployment
                    properties: {model: m, image: i, pool: {get_resource: nowhere}}
                """;
        final HttpResponse<String> refused = api.send("POST", "/v1/stacks", body("bad", template, Map.of()));

        assertThat(refused.statusCode()).isEqualTo(400);
        final JsonNode answer = JSON.readTree(refused.body());
        assertThat(answer.path("code").asText()).isEqualTo("INVALID_TEMPLATE");
        final List<String> errors = new ArrayList<>();
        answer.path("errors").forEach(e -> errors.add(e.path("line").asInt() + " " + e.path("path").asText()));
        assertThat(errors).containsExactly("3 resources.pool.properties.max_replicas", "8 resources.web.properties.pool");
        assertThat(api.send("GET", "/v1/stacks/bad", null).statusCode()).isEqualTo(404);
        assertThat(api.send("POST", "/v1/stacks", body("Bad Id", "resources: {}", Map.of())).statusCode()).isEqualTo(400);
        final HttpResponse<String> huge = api.send("POST", "/v1/stacks", body("huge", "resources: {}", Map.of("p", "y".repeat(70_000))));
        assertThat(huge.statusCode()).as(huge.body()).isEqualTo(400);
        assertThat(JSON.readTree(huge.body()).path("field").asText()).isEqualTo("parameters");
    }

    @Test
    void theCommandLineCreatesUpdatesFollowsAndDeletesAStack() throws Exception {
        final String url = "http://127.0.0.1:" + engine.httpPort();
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        final java.io.StringWriter err = new java.io.StringWriter();
        final java.io.PrintStream saved = System.out;
        final int created;
        final int updated;
        final int checked;
        final int deleted;
        System.setOut(new java.io.PrintStream(out, true));
        try {
            created = Main.execute(new java.io.PrintWriter(err, true), "stack", "create", "../examples/three-tier-stack.yaml",
                    "--id", "cli", "-p", "replicas=1", "--url", url, "--token", TOKEN);
            updated = Main.execute(new java.io.PrintWriter(err, true), "stack", "update", "cli", "-p", "replicas=2", "--url", url,
                    "--token", TOKEN);
            checked = Main.execute(new java.io.PrintWriter(err, true), "stack", "check", "cli", "--url", url, "--token", TOKEN);
            deleted = Main.execute(new java.io.PrintWriter(err, true), "stack", "delete", "cli", "--url", url, "--token", TOKEN);
        } finally {
            System.setOut(saved);
        }
        final String printed = out.toString();

        assertThat(created).as(printed + err).isZero();
        assertThat(updated).as(printed + err).isZero();
        assertThat(checked).as(printed + err).isZero();
        assertThat(deleted).as(printed + err).isZero();
        assertThat(printed).contains("stack cli accepted", "(stack)    CREATE_COMPLETE", "output url = ",
                "stack cli: update accepted", "pool       UPDATE_COMPLETE", "(stack)    UPDATE_COMPLETE", "stack cli IN_SYNC",
                "stack cli: delete accepted", "(stack)    DELETE_COMPLETE");
        assertThat(Main.execute(new java.io.PrintWriter(err, true), "stack", "get", "nowhere", "--url", url, "--token", TOKEN))
                .isEqualTo(1);
        assertThat(err.toString()).contains("orchestrator: 404 NOT_FOUND: no stack nowhere");
    }
}
