package dev.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestrator.api.ingest.Publisher;
import dev.orchestrator.api.jobs.JobBoard;
import dev.orchestrator.api.jobs.JobRoutes;
import dev.orchestrator.api.query.Unavailable;
import dev.orchestrator.avro.Capacity;
import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.ExecutionJob;
import dev.orchestrator.avro.JobState;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.schemas.CommandHeaders;
import dev.orchestrator.schemas.Topic;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.schemas.evolution.KnownSchemas;
import dev.orchestrator.schemas.serde.InProcessSchemaRegistry;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JobRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final AtomicBoolean brokerDown = new AtomicBoolean();
    private final JobBoard board = new JobBoard(3);
    private final Javalin app;
    private final HttpClient http = HttpClient.newHttpClient();

    JobRoutesTest() {
        final InProcessSchemaRegistry registry = InProcessSchemaRegistry.inMemory();
        KnownSchemas.all().forEach(registry::preload);
        final Publisher publisher = new Publisher() {
            @Override
            public <V> void publish(final Topic<String, V> topic, final String key, final V value, final Map<String, String> headers) {
                if (brokerDown.get()) {
                    throw new Unavailable("Kafka is unreachable: test");
                }
                sent.add(topic.name() + " " + key + " " + ((PlacementCommand) value).getCommandId() + " retry=" + headers.get(CommandHeaders.RETRY));
            }
        };
        app = HttpApi.builder(() -> new dev.orchestrator.api.health.ReadinessReport(true, "RUNNING"))
                .jobs(new JobRoutes(board, publisher, Topics.create("", registry))).build().start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    private static ExecutionJob job(final String command, final String unit, final JobState state, final int retries, final long at) {
        final PlacementCommand placement = PlacementCommand.newBuilder().setCommandId(command).setType(CommandType.PROVISION)
                .setAllocationId("a-" + command).setDemandId("d-" + command).setConsumerId("c").setProviderId("p")
                .setDataUnitId(unit).setCapacity(Capacity.newBuilder().build()).setIssuedAt(Instant.ofEpochMilli(at)).build();
        return ExecutionJob.newBuilder().setCommandId(command).setDataUnitId(unit).setAllocationId("a-" + command).setState(state)
                .setAttempts(1).setErrorKind(state == JobState.FAILED ? "TERMINAL" : null).setError(state == JobState.FAILED ? "403" : null)
                .setUpdatedAt(Instant.ofEpochMilli(at)).setRetries(retries).setCommand(placement).build();
    }

    @Test
    void listsOpenJobsByStateAndForgetsCompletedOnes() throws Exception {
        board.apply(job("c1", "u1", JobState.FAILED, 0, 1));
        board.apply(job("c2", "u2", JobState.PROCESSING, 0, 2));
        board.apply(job("c3", "u2", JobState.COMPLETED, 0, 3));

        final JsonNode failed = get("/v1/jobs?state=failed");
        assertThat(failed.path("items")).extracting(j -> j.path("commandId").asText()).containsExactly("c1");
        assertThat(failed.path("items").get(0).path("error").asText()).isEqualTo("403");
        assertThat(failed.path("counts").path("FAILED").asLong()).isEqualTo(1);
        assertThat(failed.path("counts").path("COMPLETED").asLong()).isEqualTo(1);
        assertThat(get("/v1/jobs?unit=u2").path("items")).extracting(j -> j.path("commandId").asText()).containsExactly("c2");
        assertThat(get("/v1/jobs/c2").path("state").asText()).isEqualTo("PROCESSING");
        assertThat(send("GET", "/v1/jobs/c3").statusCode()).as("completed jobs are not kept").isEqualTo(404);
    }

    @Test
    void aFailedJobRunsAgainOnceUntilAnExecutorPicksItUp() throws Exception {
        board.apply(job("c1", "u1", JobState.FAILED, 0, 1));
        board.apply(job("c2", "u1", JobState.PROCESSING, 0, 2));

        assertThat(send("POST", "/v1/jobs/c1/retry").statusCode()).isEqualTo(202);
        final HttpResponse<String> again = send("POST", "/v1/jobs/c1/retry");
        final HttpResponse<String> running = send("POST", "/v1/jobs/c2/retry");

        assertThat(sent).containsExactly("commands.v1 u1 c1 retry=1");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(again.body()).path("code").asText()).isEqualTo("ALREADY_RETRIED");
        assertThat(JSON.readTree(running.body()).path("code").asText()).isEqualTo("NOT_FAILED");
        assertThat(send("POST", "/v1/jobs/nope/retry").statusCode()).isEqualTo(404);
        assertThat(get("/v1/jobs/c1").path("retryRequested").asBoolean()).isTrue();

        board.apply(job("c1", "u1", JobState.CREATED, 1, 5));
        board.apply(job("c1", "u1", JobState.FAILED, 1, 6));
        assertThat(send("POST", "/v1/jobs/c1/retry").statusCode()).as("it ran and failed again").isEqualTo(202);
        assertThat(sent).last().isEqualTo("commands.v1 u1 c1 retry=2");
    }

    @Test
    void bulkRetrySendsEachFailedJobOnceWithinTheLimit() throws Exception {
        board.apply(job("c1", "u1", JobState.FAILED, 0, 1));
        board.apply(job("c2", "u2", JobState.FAILED, 0, 2));
        board.apply(job("c3", "u2", JobState.FAILED, 0, 3));

        final JsonNode first = JSON.readTree(send("POST", "/v1/jobs/retry?unit=u2&limit=1").body());
        final JsonNode rest = JSON.readTree(send("POST", "/v1/jobs/retry").body());
        final JsonNode none = JSON.readTree(send("POST", "/v1/jobs/retry").body());

        assertThat(first.path("commandIds")).extracting(JsonNode::asText).containsExactly("c3");
        assertThat(rest.path("commandIds")).extracting(JsonNode::asText).containsExactlyInAnyOrder("c1", "c2");
        assertThat(none.path("retried").asInt()).isZero();
        assertThat(sent).hasSize(3);
    }

    @Test
    void badParametersAndABrokerThatIsDownAreClearErrors() throws Exception {
        board.apply(job("c1", "u1", JobState.FAILED, 0, 1));

        assertThat(error(send("GET", "/v1/jobs?state=BOGUS"))).isEqualTo("400 INVALID_PARAMETER state");
        assertThat(error(send("GET", "/v1/jobs?state=COMPLETED"))).isEqualTo("400 INVALID_PARAMETER state");
        assertThat(error(send("GET", "/v1/jobs?limit=0"))).isEqualTo("400 INVALID_PARAMETER limit");
        assertThat(error(send("POST", "/v1/jobs/retry?limit=100000"))).isEqualTo("400 INVALID_PARAMETER limit");
        assertThat(error(send("POST", "/v1/jobs/retry?limit=x"))).isEqualTo("400 INVALID_PARAMETER limit");
        brokerDown.set(true);
        assertThat(error(send("POST", "/v1/jobs/c1/retry"))).isEqualTo("503 UNAVAILABLE null");
        brokerDown.set(false);
        assertThat(send("POST", "/v1/jobs/c1/retry").statusCode()).as("a retry that was not sent can be asked again").isEqualTo(202);
    }

    @Test
    void theBoardKeepsTheNewestTroubleWhenFull() {
        for (int i = 0; i < 5; i++) {
            board.apply(job("c" + i, "u", JobState.FAILED, 0, i));
        }
        assertThat(board.list(null, null, 10)).extracting(ExecutionJob::getCommandId).containsExactly("c4", "c3", "c2");
    }

    private String error(final HttpResponse<String> answer) throws Exception {
        final JsonNode body = JSON.readTree(answer.body());
        return answer.statusCode() + " " + body.path("code").asText() + " " + (body.path("field").isNull() || body.path("field").isMissingNode()
                ? "null" : body.path("field").asText());
    }

    private JsonNode get(final String path) throws Exception {
        final HttpResponse<String> answer = send("GET", path);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private HttpResponse<String> send(final String method, final String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
