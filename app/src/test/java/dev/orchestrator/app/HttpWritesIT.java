package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestrator.app.demo.SimulatedExecutor;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.testing.TestKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 5's writes on a real broker and a running instance with a token: every bad request in the
 * table gets its documented status, code and field, and no record reaches any input topic or the
 * DLQ; good writes are placed and show up in the reads and the live stream, which resumes by
 * {@code Last-Event-ID}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HttpWritesIT {
    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();
    private static final String TOKEN = "it-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UNIT = """
            {"dataUnitId": "u-1", "providerId": "p-1", "kind": "STORAGE", "region": "eu-west", "capacity": {"storage": "1000 GB"},
             "pricePerHour": {"amount": "0.50", "currency": "USD"}}""";

    @TempDir
    static Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ApiClient api = new ApiClient(() -> this.instance.httpPort(), TOKEN, Duration.ofSeconds(60));
    private EngineWithExecutor engine;
    private Instance instance;
    private SimulatedExecutor executor;
    private long inputsBefore;

    @BeforeAll
    void start() throws Exception {
        engine = EngineWithExecutor.start(KAFKA, dir.resolve("state"), "writes-it", TOKEN, Map.of());
        instance = engine.instance();
        executor = engine.executor();
        // u-1 is registered, so the state-change and telemetry rows have a unit to be refused about
        assertThat(send("POST", "/v1/data-units", UNIT).statusCode()).isEqualTo(202);
        poll("/v1/units/u-1", u -> true);
        inputsBefore = inputRecords();
    }

    @AfterAll
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    static Stream<Arguments> badRequests() {
        final String big = "{\"consumerId\": \"a\", \"labels\": {\"x\": \"" + "y".repeat(2 * 1024 * 1024) + "\"}}";
        final String demand = "{\"consumerId\": \"team-a\", \"resources\": {\"storage\": \"1 GB\"}";
        return Stream.of(
                row("malformed JSON", "POST", "/v1/demands", "{\"consumerId\": ", 400, "MALFORMED_JSON", null),
                row("trailing garbage", "POST", "/v1/demands", demand + "} x", 400, "MALFORMED_JSON", null),
                row("empty body", "POST", "/v1/demands", "", 400, "MALFORMED_JSON", null),
                row("array, not object", "POST", "/v1/demands", "[1, 2]", 400, "INVALID_FIELD", null),
                row("number for a string", "POST", "/v1/demands", "{\"consumerId\": 5}", 400, "INVALID_FIELD", "consumerId"),
                row("string for a number", "POST", "/v1/demands", demand + ", \"durationMillis\": \"ten\"}", 400, "INVALID_FIELD", "durationMillis"),
                row("fraction for a whole number", "POST", "/v1/slas", "{\"slaId\": \"s\", \"maxLatencyMillis\": 5, \"minAvailability\": 0.9, \"penaltyPercent\": 1.5}",
                        400, "INVALID_FIELD", "penaltyPercent"),
                row("missing consumer", "POST", "/v1/demands", "{\"resources\": {\"storage\": \"1 GB\"}}", 400, "INVALID_FIELD", "consumerId"),
                row("PLACE without resources", "POST", "/v1/demands", "{\"consumerId\": \"team-a\"}", 400, "INVALID_FIELD", "resources"),
                row("unit without capacity", "POST", "/v1/data-units", UNIT.replace("\"capacity\": {\"storage\": \"1000 GB\"},", ""),
                        400, "INVALID_FIELD", "capacity"),
                row("negative capacity", "POST", "/v1/data-units", UNIT.replace("1000 GB", "-5 GB"), 400, "INVALID_FIELD", "capacity.storage"),
                row("negative quota", "POST", "/v1/policies", "{\"consumerId\": \"a\", \"maxCapacity\": {\"cpuMillis\": -1}}",
                        400, "INVALID_FIELD", "maxCapacity.cpuMillis"),
                row("negative price", "POST", "/v1/data-units", UNIT.replace("\"0.50\"", "\"-0.50\""), 400, "INVALID_FIELD", "pricePerHour.amount"),
                row("too many decimals", "POST", "/v1/data-units", UNIT.replace("\"0.50\"", "\"0.0000001\""), 400, "INVALID_FIELD", "pricePerHour.amount"),
                row("availability above 1", "POST", "/v1/slas", "{\"slaId\": \"s\", \"maxLatencyMillis\": 5, \"minAvailability\": 1.5}",
                        400, "INVALID_FIELD", "minAvailability"),
                row("id too long", "POST", "/v1/demands", demand + ", \"demandId\": \"" + "d".repeat(200) + "\"}", 400, "INVALID_FIELD", "demandId"),
                row("unknown unit of measure", "POST", "/v1/demands", "{\"consumerId\": \"a\", \"resources\": {\"storage\": \"1 parsec\"}}",
                        400, "INVALID_FIELD", "resources.storage.unit"),
                row("unknown enum value", "POST", "/v1/demands", demand + ", \"kind\": \"QUANTUM\"}", 400, "INVALID_FIELD", "kind"),
                row("unknown target state", "PUT", "/v1/data-units/u-1/state", "{\"state\": \"BROKEN\"}", 400, "INVALID_FIELD", "state"),
                row("unknown field", "POST", "/v1/demands", demand + ", \"urgency\": 9}", 400, "UNKNOWN_FIELD", "urgency"),
                row("priority out of range", "POST", "/v1/demands", demand + ", \"priority\": 1001}", 400, "INVALID_FIELD", "priority"),
                row("negative wait", "POST", "/v1/demands", demand + ", \"maxWaitSeconds\": -1}", 400, "INVALID_FIELD",
                        "maxWaitSeconds"),
                row("gang without its minimum", "POST", "/v1/demands", demand + ", \"groupId\": \"train\"}", 400,
                        "INVALID_FIELD", "minMembers"),
                row("gang minimum above 256", "POST", "/v1/demands", demand + ", \"groupId\": \"train\", \"minMembers\": 257}",
                        400, "INVALID_FIELD", "minMembers"),
                row("gang timeout of 0", "POST", "/v1/demands", demand + ", \"groupId\": \"train\", \"minMembers\": 2, "
                        + "\"groupTimeoutSeconds\": 0}", 400, "INVALID_FIELD", "groupTimeoutSeconds"),
                row("disruption budget above 100%", "POST", "/v1/policies", "{\"consumerId\": \"a\", \"disruptionBudgetPercent\": 101}",
                        400, "INVALID_FIELD", "disruptionBudgetPercent"),
                row("duplicate field", "POST", "/v1/demands", demand + ", \"consumerId\": \"team-b\"}", 400, "DUPLICATE_FIELD", null),
                row("2 MB body", "POST", "/v1/demands", big, 413, "BODY_TOO_LARGE", null),
                row("300 KB body, over the 256 KiB limit", "POST", "/v1/demands", "{\"consumerId\": \"a\", \"labels\": {\"x\": \""
                        + "y".repeat(300 * 1024) + "\"}}", 413, "BODY_TOO_LARGE", null),
                row("null in a list", "POST", "/v1/demands", demand + ", \"regions\": [\"eu-west\", null]}", 400, "INVALID_FIELD",
                        "regions[1]"),
                row("null in a map", "POST", "/v1/demands", demand + ", \"labels\": {\"app\": null}}", 400, "INVALID_FIELD",
                        "labels.app"),
                row("null weight", "POST", "/v1/policies", "{\"consumerId\": \"a\", \"weights\": {\"price\": null}}", 400,
                        "INVALID_FIELD", "weights.price"),
                row("absurd exponent", "POST", "/v1/data-units", UNIT.replace("\"0.50\"", "1e60000000"), 400, "INVALID_FIELD",
                        "pricePerHour.amount"),
                row("absurdly small", "POST", "/v1/data-units", UNIT.replace("\"0.50\"", "1e-60000000"), 400, "INVALID_FIELD",
                        "pricePerHour.amount"),
                row("infinite latency", "POST", "/v1/slas", "{\"slaId\": \"s\", \"maxLatencyMillis\": 1e400, \"minAvailability\": 0.9}",
                        400, "INVALID_FIELD", "maxLatencyMillis"),
                new Arguments[] {Arguments.of("wrong content type", "POST", "/v1/demands", "text/plain", demand + "}", "Bearer " + TOKEN,
                        415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type")},
                row("unknown route", "POST", "/v1/nothing-here", demand + "}", 404, "NOT_FOUND", null),
                row("telemetry of an unknown unit", "POST", "/v1/telemetry", "{\"dataUnitId\": \"ghost\"}", 404, "NOT_FOUND", "dataUnitId"),
                row("ledger-only state", "PUT", "/v1/data-units/u-1/state", "{\"state\": \"IN_USE\"}", 409, "ILLEGAL_TRANSITION", "state"),
                row("unit taken by another provider", "POST", "/v1/data-units", UNIT.replace("\"p-1\"", "\"p-2\""), 409, "CONFLICT", "providerId"),
                new Arguments[] {Arguments.of("missing token", "POST", "/v1/demands", "application/json", demand + "}", null,
                        401, "UNAUTHORIZED", "Authorization")},
                new Arguments[] {Arguments.of("wrong token", "POST", "/v1/demands", "application/json", demand + "}", "Bearer nope",
                        401, "UNAUTHORIZED", "Authorization")}
        ).flatMap(Stream::of);
    }

    private static Arguments[] row(final String name, final String method, final String path, final String body, final int status,
                                   final String code, final String field) {
        return new Arguments[] {Arguments.of(name, method, path, "application/json", body, "Bearer " + TOKEN, status, code, field)};
    }

    @Order(1)
    @ParameterizedTest(name = "{0} -> {6} {7}")
    @MethodSource("badRequests")
    void aBadRequestGetsItsStatusCodeAndField(final String name, final String method, final String path, final String contentType,
                                              final String body, final String authorization, final int status, final String code,
                                              final String field) throws Exception {
        ApiClient.assertRefused(http, base() + path, method, contentType, body, authorization, status, code, field);
    }

    @Order(2)
    @Test
    void nothingReachedKafkaFromTheRefusedRequests() throws Exception {
        assertThat(inputRecords()).isEqualTo(inputsBefore);
    }

    @Order(3)
    @Test
    void goodWritesArePlacedAndStreamedAndTheStreamResumes() throws Exception {
        assertThat(send("POST", "/v1/policies", "{\"consumerId\": \"team-a\", \"maxUnits\": 10}").statusCode()).isEqualTo(202);
        assertThat(send("POST", "/v1/slas", "{\"slaId\": \"gold\", \"maxLatencyMillis\": 50, \"minAvailability\": 0.9}").statusCode())
                .isEqualTo(202);
        assertThat(send("POST", "/v1/telemetry", "{\"dataUnitId\": \"u-1\", \"latencyMillis\": 4.5}").statusCode()).isEqualTo(202);
        Thread.sleep(1_000);

        try (SseReader live = new SseReader(base() + "/v1/events?type=decision&consumer=team-a",
                Map.of("Authorization", "Bearer " + TOKEN))) {
            final HttpResponse<String> first = send("POST", "/v1/demands",
                    "{\"demandId\": \"w-1\", \"consumerId\": \"team-a\", \"resources\": {\"storage\": \"100 GB\"}, \"slaId\": \"gold\"}");
            assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
            assertThat(first.headers().firstValue("Location")).contains("/v1/demands/w-1");
            final JsonNode placed = awaitDecided("w-1");
            assertThat(placed.path("status").asText()).as(placed.toString()).isIn("PLACED", "ACTIVE");
            assertThat(placed.path("unitId").asText()).isEqualTo("u-1");
            final SseReader.Event seen = live.await("decision", "\"demandId\":\"w-1\"", Duration.ofSeconds(30));
            assertThat(seen).as("w-1's decision on the live stream").isNotNull();

            // the unit holds an allocation now: decommissioned outright is refused, decommissioning is accepted
            final JsonNode units = poll("/v1/units?provider=p-1", page -> page.path("items").size() == 1
                    && page.path("items").get(0).path("allocations").asInt() >= 1);
            assertThat(units.path("items").get(0).path("allocations").asInt()).as("u-1's allocations").isGreaterThanOrEqualTo(1);
            // p-1's SLA compliance once w-1 (gold SLA) is confirmed on its unit
            final JsonNode sla = poll("/v1/providers/p-1", p -> p.path("sla").path("allocationsWithSla").asInt() >= 1).path("sla");
            assertThat(sla.path("allocationsWithSla").asInt()).as(sla.toString()).isEqualTo(1);
            assertThat(sla.path("meeting").asInt()).as(sla.toString()).isEqualTo(1);
            assertThat(sla.path("compliance").asDouble()).isEqualTo(1.0);
            // the confirmed allocation is in the routing table with the endpoint its executor reported
            final JsonNode routes = poll("/v1/routes", r -> !r.path("items").isEmpty()).path("items");
            assertThat(routes).singleElement().satisfies(route -> {
                assertThat(route.path("demandId").asText()).isEqualTo("w-1");
                assertThat(route.path("endpoint").asText()).isNotBlank();
            });
            final HttpResponse<String> refused = send("PUT", "/v1/data-units/u-1/state", "{\"state\": \"DECOMMISSIONED\"}");
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);

            // a client that lost its connection resumes after the last event it saw
            live.close();
            assertThat(send("POST", "/v1/demands", "{\"demandId\": \"w-2\", \"consumerId\": \"team-a\", \"resources\": {\"storage\": \"100 GB\"}}")
                    .statusCode()).isEqualTo(202);
            awaitDecided("w-2");
            try (SseReader resumed = new SseReader(base() + "/v1/events?type=decision", Map.of(
                    "Authorization", "Bearer " + TOKEN, "Last-Event-ID", seen.id()))) {
                // what follows the last seen event, not that event again, and w-2 among it
                final SseReader.Event next = resumed.await("decision", "\"demandId\":", Duration.ofSeconds(30));
                assertThat(next).isNotNull();
                assertThat(sequence(next.id())).isGreaterThan(sequence(seen.id()));
                assertThat(next.data().contains("\"demandId\":\"w-2\"")
                        || resumed.await("decision", "\"demandId\":\"w-2\"", Duration.ofSeconds(30)) != null).isTrue();
            }
            final HttpResponse<String> badFilter = send("GET", "/v1/events?type=decision,gossip", null);
            assertThat(badFilter.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(badFilter.body()).path("field").asText()).isEqualTo("type");
            try (SseReader foreign = new SseReader(base() + "/v1/events", Map.of(
                    "Authorization", "Bearer " + TOKEN, "Last-Event-ID", "other-instance-7"))) {
                assertThat(foreign.await("gap", "", Duration.ofSeconds(10))).isNotNull();
            }
        }
        assertThat(send("PUT", "/v1/data-units/u-1/state", "{\"state\": \"MAINTENANCE\", \"reason\": \"disk swap\"}").statusCode())
                .isEqualTo(202);
        final JsonNode unit = poll("/v1/units/u-1", u -> u.path("state").asText().equals("MAINTENANCE"));
        assertThat(unit.path("state").asText()).isEqualTo("MAINTENANCE");
    }

    @Order(4)
    @Test
    void theReadApiAnswersWhatItPromises() throws Exception {
        // refused at intake (a producer without the HTTP checks): the demand shows why, not "not decided yet"
        final var demand = instance.topics().demand;
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(KAFKA.clientConfig(),
                new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(demand.name(), "bad-1", demand.valueSerde().serializer()
                    .serialize(demand.name(), dev.orchestrator.avro.Demand.newBuilder().setDemandId("bad-1").setConsumerId("team-a")
                            .setType(dev.orchestrator.avro.DemandType.PLACE).setDurationMillis(0L)
                            .setResources(dev.orchestrator.avro.ResourceSpec.newBuilder()
                                    .setStorage(new dev.orchestrator.avro.Quantity("1", "GB")).build())
                            .setRequestedAt(java.time.Instant.now()).build()))).get();
        }
        final JsonNode refused = poll("/v1/demands/bad-1", d -> d.path("status").asText().equals("REJECTED"));
        assertThat(refused.path("reason").asText()).isEqualTo("INVALID_INPUT");
        assertThat(refused.path("reasonDetail").asText()).startsWith("durationMillis:");

        // a RELEASE of a demand that never was is answered, and reads back with its reason
        assertThat(send("POST", "/v1/demands", "{\"demandId\": \"rel-x\", \"consumerId\": \"team-a\", \"type\": \"RELEASE\","
                + " \"releaseOf\": \"never-was\"}").statusCode()).isEqualTo(202);
        final JsonNode release = poll("/v1/demands/rel-x", d -> d.path("status").asText().equals("REJECTED"));
        assertThat(release.path("reason").asText()).isEqualTo("ALLOCATION_NOT_FOUND");

        // SLAs and policies read back as the engine applies them
        final JsonNode sla = poll("/v1/slas/gold", s -> s.has("maxLatencyMillis"));
        assertThat(sla.path("maxLatencyMillis").asDouble()).isEqualTo(50.0);
        final JsonNode policy = poll("/v1/policies/team-a", p -> p.has("maxUnits"));
        assertThat(policy.path("maxUnits").asInt()).isEqualTo(10);
        assertThat(send("GET", "/v1/policies/nobody", null).statusCode()).isEqualTo(404);

        // telemetry right after a registration is accepted, before the unit's view has caught up
        assertThat(send("POST", "/v1/data-units", UNIT.replace("u-1", "u-fresh")).statusCode()).isEqualTo(202);
        final HttpResponse<String> heartbeat = send("POST", "/v1/telemetry", "{\"dataUnitId\": \"u-fresh\", \"latencyMillis\": 3}");
        assertThat(heartbeat.statusCode()).as(heartbeat.body()).isEqualTo(202);

        // a demand asking only for compute is a compute demand, not silently storage
        assertThat(send("POST", "/v1/data-units", "{\"dataUnitId\": \"c-1\", \"providerId\": \"p-1\", \"kind\": \"COMPUTE\","
                + " \"region\": \"eu-west\", \"capacity\": {\"cpu\": \"16 vcpu\", \"memory\": \"64 GiB\"},"
                + " \"pricePerHour\": {\"amount\": \"2.00\", \"currency\": \"USD\"}}").statusCode()).isEqualTo(202);
        poll("/v1/units/c-1", u -> true);
        // the read API may show the unit before the decision step has indexed it: a demand in that
        // gap finds no compute unit, so ask again (with a new id) until one is decided on c-1
        JsonNode compute = null;
        for (int attempt = 1; attempt <= 10 && (compute == null || !compute.path("unitId").asText().equals("c-1")); attempt++) {
            assertThat(send("POST", "/v1/demands", "{\"demandId\": \"cpu-" + attempt + "\", \"consumerId\": \"team-a\","
                    + " \"resources\": {\"cpu\": \"2 vcpu\", \"memory\": \"4 GiB\"}}").statusCode()).isEqualTo(202);
            compute = awaitDecided("cpu-" + attempt);
            if (!compute.path("unitId").asText().equals("c-1")) {
                Thread.sleep(500);
            }
        }
        assertThat(compute.path("unitId").asText()).as(compute.toString()).isEqualTo("c-1");
        assertThat(send("POST", "/v1/demands", "{\"consumerId\": \"team-a\", \"resources\": {\"cpu\": \"1 vcpu\","
                + " \"storage\": \"1 GB\"}}").statusCode()).isEqualTo(400);
    }

    /** The sequence in an SSE id ({@code <run>-<sequence>}). */
    private static long sequence(final String id) {
        return Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
    }

    /** The demand once past PENDING (reserved, waiting for the ledger's answer). */
    private JsonNode awaitDecided(final String demandId) throws Exception {
        return poll("/v1/demands/" + demandId, d -> !d.path("status").asText().equals("PENDING"));
    }

    private JsonNode poll(final String path, final Predicate<JsonNode> done) throws Exception {
        return api.poll(path, done);
    }

    private HttpResponse<String> send(final String method, final String path, final String body) throws Exception {
        return api.send(method, path, body);
    }

    private String base() {
        return "http://127.0.0.1:" + instance.httpPort();
    }

    /** Records in every topic a write can produce to, and the DLQ. */
    private long inputRecords() throws Exception {
        long total = 0;
        for (final String topic : List.of(Topics.DEMAND, Topics.TELEMETRY, Topics.DATA_UNIT, Topics.POLICY, Topics.SLA, Topics.DLQ)) {
            final var partitions = KAFKA.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
            final Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            partitions.forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            for (final var offset : KAFKA.admin().listOffsets(latest).all().get().values()) {
                total += offset.offset();
            }
        }
        return total;
    }
}
