package dev.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.api.health.ReadinessReport;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpApiTest {
    private final AtomicReference<ReadinessReport> readiness =
            new AtomicReference<>(new ReadinessReport(false, "REBALANCING"));
    private final Javalin app = HttpApi.create(readiness::get).start("127.0.0.1", 0);
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        app.stop();
    }

    @Test
    void isLiveAsSoonAsItServes() throws Exception {
        final HttpResponse<String> live = get("/health/live");

        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void isReadyOnlyWhenStreamsRuns() throws Exception {
        final HttpResponse<String> before = get("/health/ready");
        readiness.set(new ReadinessReport(true, "RUNNING"));
        final HttpResponse<String> after = get("/health/ready");

        assertThat(before.statusCode()).isEqualTo(503);
        assertThat(before.headers().firstValue("Retry-After")).contains("2");
        assertThat(before.body()).contains("\"status\":\"NOT_READY\"").contains("\"streams\":\"REBALANCING\"");
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.body()).contains("\"status\":\"READY\"");
    }

    @Test
    void answersUnknownRoutesWithAJsonError() throws Exception {
        final HttpResponse<String> missing = get("/v1/nothing-here");

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(missing.body()).contains("\"code\":\"NOT_FOUND\"").contains("GET /v1/nothing-here");
    }

    @Test
    void hidesFailuresBehindAnInternalErrorWithoutStackTrace() throws Exception {
        readiness.set(null);

        final HttpResponse<String> broken = get("/health/ready");

        assertThat(broken.statusCode()).isEqualTo(500);
        assertThat(broken.body()).isEqualTo("{\"code\":\"INTERNAL\",\"message\":\"internal error\",\"field\":null}");
    }

    private HttpResponse<String> get(final String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void describesEveryRegisteredRouteInItsOpenApiDocument() throws Exception {
        final Javalin full = HttpApi.builder(readiness::get).queries(new dev.orchestrator.api.query.QueryRoutes(
                        new dev.orchestrator.topology.read.EngineReads(new dev.orchestrator.topology.task.LocalTasks(), 1),
                        new dev.orchestrator.api.query.StateAccess(null, new org.apache.kafka.streams.state.HostInfo("127.0.0.1", 1)),
                        new dev.orchestrator.api.query.Peers(), new com.fasterxml.jackson.databind.ObjectMapper()))
                .metrics(new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT))
                .writes(WriteRoutesTest.routes(new java.util.ArrayList<>()))
                .stacks(new dev.orchestrator.api.stacks.StackRoutes(null, null, null,
                        new dev.orchestrator.api.query.StateAccess(null, new org.apache.kafka.streams.state.HostInfo("127.0.0.1", 1)),
                        new dev.orchestrator.api.query.Peers(), new com.fasterxml.jackson.databind.ObjectMapper(), java.time.Clock.systemUTC()))
                .events(new dev.orchestrator.api.events.EventFeed(java.util.Map.of(), null, 10, 0), 1)
                .dashboard().build().start("127.0.0.1", 0);
        try {
            final HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + full.port()
                    + "/openapi.json")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            final com.fasterxml.jackson.databind.JsonNode paths = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(answer.body()).path("paths");
            final java.util.List<String> routes = full.unsafe.internalRouter.allHttpHandlers().stream()
                    .filter(h -> h.endpoint.method.isHttpMethod())
                    .map(h -> h.endpoint.method.name().toLowerCase(java.util.Locale.ROOT) + " " + h.endpoint.path)
                    .toList();

            assertThat(routes).hasSizeGreaterThan(10);
            assertThat(routes).allSatisfy(route -> {
                final String[] parts = route.split(" ");
                assertThat(paths.path(parts[1]).has(parts[0])).as("%s is in /openapi.json", route).isTrue();
            });
            // every public read describes its body by a named schema, not a bare object
            assertThat(routes).filteredOn(r -> r.startsWith("get /v1/")).allSatisfy(route -> assertThat(paths
                    .path(route.substring(4)).path("get").path("responses").path("200").path("content")
                    .path("application/json").path("schema").path("$ref").asText()).as(route).startsWith("#/components/schemas/"));
        } finally {
            full.stop();
        }
    }

    @Test
    void jettysOwnRefusalsAreJsonToo() throws Exception {
        final HttpResponse<String> tooLong = get("/v1/units?x=" + "a".repeat(20_000));

        assertThat(tooLong.statusCode()).isEqualTo(414);
        assertThat(tooLong.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(tooLong.body()).contains("\"code\":\"URI_TOO_LONG\"").doesNotContain("<html", "\tat ");
    }
}
