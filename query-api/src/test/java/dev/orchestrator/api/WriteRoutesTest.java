package dev.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestrator.api.ingest.Publisher;
import dev.orchestrator.api.ingest.WriteRoutes;
import dev.orchestrator.api.query.Unavailable;
import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.DataUnitState;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.Telemetry;
import dev.orchestrator.schemas.Topic;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.schemas.evolution.KnownSchemas;
import dev.orchestrator.schemas.serde.InProcessSchemaRegistry;
import dev.orchestrator.topology.EngineSettings;
import dev.orchestrator.topology.read.CapacityRead;
import dev.orchestrator.topology.read.UnitRead;
import dev.orchestrator.topology.normalize.Normalizer;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The write routes' mapping to Avro, their rules, and what they answer when Kafka is away; the bad-request table runs on a real broker in HttpWritesIT. */
class WriteRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private final List<Published> published = new ArrayList<>();
    private final AtomicBoolean brokerDown = new AtomicBoolean();
    private final Javalin app = HttpApi.builder(() -> new dev.orchestrator.api.health.ReadinessReport(true, "RUNNING"))
            .writes(routes(published, brokerDown)).build().start("127.0.0.1", 0);
    private final HttpClient http = HttpClient.newHttpClient();

    /** One record a write produced. */
    record Published(String topic, String key, Object value) {
    }

    /** Write routes over a recording publisher, with two registered units: u-1 in use, u-2 decommissioning. */
    static WriteRoutes routes(final List<Published> sink) {
        return routes(sink, new AtomicBoolean());
    }

    static WriteRoutes routes(final List<Published> sink, final AtomicBoolean brokerDown) {
        return routes(sink, brokerDown, WriteRoutes.BodyLimits.DEFAULT);
    }

    static WriteRoutes routes(final List<Published> sink, final AtomicBoolean brokerDown, final WriteRoutes.BodyLimits limits) {
        final EngineSettings settings = EngineSettings.defaults();
        final Map<String, UnitRead> units = Map.of(
                "u-1", view("u-1", "IN_USE", 2), "u-2", view("u-2", "DECOMMISSIONING", 1));
        return new WriteRoutes(topics(), publisher(sink, brokerDown), new Normalizer(settings.regions(), settings.currency()),
                settings.regions(), id -> Optional.ofNullable(units.get(id)), Clock.fixed(NOW, ZoneOffset.UTC), limits);
    }

    /** Topics over an in-memory registry holding every schema. */
    static Topics topics() {
        final InProcessSchemaRegistry registry = InProcessSchemaRegistry.inMemory();
        KnownSchemas.all().forEach(registry::preload);
        return Topics.create("", registry);
    }

    /** A publisher that records what it is given in {@code sink}, or fails while {@code brokerDown}. */
    static Publisher publisher(final List<Published> sink, final AtomicBoolean brokerDown) {
        return new Publisher() {
            @Override
            public <V> void publish(final Topic<String, V> topic, final String key, final V value,
                                    final Map<String, String> headers) {
                if (brokerDown.get()) {
                    throw new Unavailable("Kafka is unreachable: test");
                }
                // encoded as the real publisher does, so a record the serde refuses fails here too
                topic.valueSerde().serializer().serialize(topic.name(), value);
                sink.add(new Published(topic.name(), key, value));
            }
        };
    }

    private static UnitRead view(final String id, final String state, final int allocations) {
        final CapacityRead capacity = new CapacityRead(0, 0, 1_000_000_000_000L, 0, null);
        return new UnitRead(id, "p-1", "STORAGE", "eu-west-1", "eu-west-1/storage", state, true, true, capacity,
                CapacityRead.ZERO, capacity, 100_000, 5, 0.999, 0, allocations);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    @Test
    void aDemandIsProducedWithItsIdAsKeyAndAnsweredWithWhereToPoll() throws Exception {
        final HttpResponse<String> answer = send("POST", "/v1/demands", """
                {"demandId": "d-1", "consumerId": "team-a", "kind": "STORAGE", "resources": {"storage": "200 GB"},
                 "regions": ["eu-west"], "maxPricePerHour": {"amount": "1.50", "currency": "EUR"}, "labels": {"app": "x"}}""");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        assertThat(answer.headers().firstValue("Location")).contains("/v1/demands/d-1");
        assertThat(JSON.readTree(answer.body()).path("poll").asText()).isEqualTo("/v1/demands/d-1");
        assertThat(published).hasSize(1);
        final Demand demand = (Demand) published.get(0).value();
        assertThat(published.get(0).key()).isEqualTo("d-1");
        assertThat(published.get(0).topic()).isEqualTo(Topics.DEMAND);
        assertThat(demand.getResources().getStorage().getAmount()).isEqualTo("200");
        assertThat(demand.getResources().getStorage().getUnit()).isEqualTo("GB");
        assertThat(demand.getMaxPricePerHour().getAmount()).isEqualByComparingTo("1.5");
        assertThat(demand.getRequestedAt()).isEqualTo(NOW);
    }

    @Test
    void aDemandWithoutAnIdGetsOne() throws Exception {
        final HttpResponse<String> answer = send("POST", "/v1/demands", """
                {"consumerId": "team-a", "resources": {"storage": "1GB"}}""");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        final String id = JSON.readTree(answer.body()).path("id").asText();
        assertThat(id).hasSize(36);
        assertThat(published.get(0).key()).isEqualTo(id);
    }

    @Test
    void telemetryTakesTheProviderFromTheRegisteredUnit() throws Exception {
        final HttpResponse<String> answer = send("POST", "/v1/telemetry", """
                {"dataUnitId": "u-1", "latencyMillis": 12.5}""");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        final Telemetry telemetry = (Telemetry) published.get(0).value();
        assertThat(telemetry.getProviderId()).isEqualTo("p-1");
        assertThat(telemetry.getObservedAt()).isEqualTo(NOW);
        assertThat(telemetry.getAvailable()).isTrue();
    }

    @Test
    void aLifecycleChangeTheUnitCannotMakeIsAConflictAndAnUnknownUnitIsNotFound() throws Exception {
        final HttpResponse<String> refused = send("PUT", "/v1/data-units/u-2/state", "{\"state\": \"AVAILABLE\"}");
        final HttpResponse<String> ledgerOnly = send("PUT", "/v1/data-units/u-1/state", "{\"state\": \"IN_USE\"}");
        final HttpResponse<String> unknown = send("PUT", "/v1/data-units/nope/state", "{\"state\": \"MAINTENANCE\"}");
        final HttpResponse<String> allowed = send("PUT", "/v1/data-units/u-1/state", "{\"state\": \"MAINTENANCE\", \"reason\": \"disk swap\"}");

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(error(refused).path("code").asText()).isEqualTo("ILLEGAL_TRANSITION");
        assertThat(error(refused).path("message").asText()).contains("decommissioning unit cannot return to service");
        assertThat(ledgerOnly.statusCode()).isEqualTo(409);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(202);
        assertThat(published).hasSize(1);
        assertThat(((DataUnitEvent) published.get(0).value()).getTargetState()).isEqualTo(DataUnitState.MAINTENANCE);
    }

    @Test
    void aUnitJustRegisteredHereIsKnownToTheWritesBeforeItsViewArrives() throws Exception {
        final String unit = """
                {"dataUnitId": "u-9", "providerId": "p-9", "kind": "STORAGE", "region": "eu-west", "capacity": {"storage": "10 GB"},
                 "pricePerHour": {"amount": "0.10", "currency": "USD"}}""";
        assertThat(send("POST", "/v1/data-units", unit).statusCode()).isEqualTo(202);

        final HttpResponse<String> ledgerOnly = send("PUT", "/v1/data-units/u-9/state", "{\"state\": \"IN_USE\"}");
        final HttpResponse<String> taken = send("POST", "/v1/data-units", unit.replace("\"p-9\"", "\"p-8\""));
        final HttpResponse<String> maintenance = send("PUT", "/v1/data-units/u-9/state", "{\"state\": \"MAINTENANCE\"}");

        assertThat(error(ledgerOnly).path("code").asText()).as(ledgerOnly.body()).isEqualTo("ILLEGAL_TRANSITION");
        assertThat(error(taken).path("code").asText()).as(taken.body()).isEqualTo("CONFLICT");
        assertThat(maintenance.statusCode()).as(maintenance.body()).isEqualTo(202);
        final DataUnitEvent change = (DataUnitEvent) published.get(published.size() - 1).value();
        assertThat(change.getProviderId()).isEqualTo("p-9");
        assertThat(change.getTargetState()).isEqualTo(DataUnitState.MAINTENANCE);
    }

    @Test
    void anUnreachableBrokerIsA503WithRetryAfter() throws Exception {
        brokerDown.set(true);

        final HttpResponse<String> answer = send("POST", "/v1/slas", """
                {"slaId": "gold", "maxLatencyMillis": 20, "minAvailability": 0.999}""");

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).isPresent();
        assertThat(error(answer).path("code").asText()).isEqualTo("UNAVAILABLE");
    }

    @Test
    void policiesAreCheckedByTheEngineRules() throws Exception {
        final HttpResponse<String> badWeight = send("POST", "/v1/policies", """
                {"consumerId": "team-a", "weights": {"luck": 1.0}}""");
        final HttpResponse<String> badRegion = send("POST", "/v1/policies", """
                {"consumerId": "team-a", "allowedRegions": ["eu west!"]}""");
        final HttpResponse<String> good = send("POST", "/v1/policies", """
                {"consumerId": "team-a", "maxUnits": 10, "budget": {"amount": 100, "currency": "USD"}, "budgetPeriod": "DAY",
                 "allowedRegions": ["eu-west"], "strategy": "SPREAD", "weights": {"price": 2.0}}""");

        assertThat(error(badWeight).path("field").asText()).isEqualTo("weights.luck");
        assertThat(error(badRegion).path("field").asText()).isEqualTo("allowedRegions[0]");
        assertThat(good.statusCode()).as(good.body()).isEqualTo(202);
        assertThat(published).hasSize(1);
    }

    private static JsonNode error(final HttpResponse<String> answer) throws Exception {
        return JSON.readTree(answer.body());
    }

    private HttpResponse<String> send(final String method, final String path, final String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
