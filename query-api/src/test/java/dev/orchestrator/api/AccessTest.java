package dev.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.api.health.ReadinessReport;
import dev.orchestrator.api.security.Access;
import dev.orchestrator.api.security.Identity;
import dev.orchestrator.api.security.TokenFile;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which routes need which token, decided by the matched route and the token's identity, over a real server. */
class AccessTest {
    private static final Map<String, Identity> TOKENS = TokenFile.parse(List.of(
            "# role id token",
            "operator ops client-secret-0000000",
            "consumer c1 consumer-c1-secret-00",
            "provider p-1 provider-p1-secret-0",
            "provider p-2 provider-p2-secret-0"));
    private final List<WriteRoutesTest.Published> published = new ArrayList<>();
    private final Javalin app = HttpApi.builder(() -> new ReadinessReport(true, "RUNNING"))
            .writes(WriteRoutesTest.routes(published))
            .metrics(new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT))
            .access(new Access(TOKENS, "peer-secret", true)).dashboard().build().start("127.0.0.1", 0);
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        app.stop();
    }

    @ParameterizedTest(name = "{0} {1} with [{2}] -> {3}")
    @CsvSource(nullValues = "none", value = {
            "POST, /v1/slas, none, 401",
            "POST, /v1/slas, Bearer wrong, 401",
            "POST, /v1/slas, Bearer peer-secret, 401",
            "POST, /v1/slas, Basic Y2xpZW50LXNlY3JldA==, 401",
            "POST, /v1/slas, Bearer client-secret-0000000, 202",
            "POST, /v1/slas/, none, 401",
            "POST, /v1/slas, Bearer consumer-c1-secret-00, 403",
            "GET, /metrics, none, 401",
            "GET, /metrics/, none, 401",
            "GET, /metrics, Bearer client-secret-0000000, 200",
            "GET, /metrics/, Bearer client-secret-0000000, 200",
            "GET, /metrics, Bearer consumer-c1-secret-00, 403",
            "GET, /internal/v1/units/x, Bearer client-secret-0000000, 401",
            "GET, /INTERNAL/v1/units/x, none, 401",
            "GET, /internal/v1/units/x, Bearer peer-secret, 404",
            "GET, /health/ready, none, 200",
            "GET, /health/live/, none, 200",
            "GET, /openapi.json, none, 200",
            "GET, /, none, 200",
    })
    void routesNeedTheirCredential(final String method, final String path, final String authorization, final int status)
            throws Exception {
        final HttpResponse<String> answer = send(method, path, authorization,
                "{\"slaId\": \"gold\", \"maxLatencyMillis\": 20, \"minAvailability\": 0.99}");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        if (status == 401) {
            assertThat(answer.headers().firstValue("WWW-Authenticate")).isPresent();
            assertThat(answer.body()).contains("\"code\":\"UNAUTHORIZED\"").doesNotContain("secret");
        }
    }

    /** Spellings a raw-path check would miss: none may reach a protected route without its token. */
    @ParameterizedTest
    @ValueSource(strings = {"/metrics/", "/Metrics", "/METRICS", "/%6Detrics", "/metric%73", "//metrics", "/metrics//",
            "/./metrics", "/v1/../metrics", "/metrics;x=1", "/metrics?x=1", "/%2Fmetrics", "/metrics%2F"})
    void noSpellingOfAProtectedRouteServesItWithoutAToken(final String path) throws Exception {
        final int status = rawGet(path);

        assertThat(status).as(path).isIn(400, 401, 404);
    }

    @Test
    void aConsumerTokenWritesOnlyItsOwnDemandsAndReleases() throws Exception {
        final String own = "{\"demandId\": \"d-1\", \"consumerId\": \"c1\", \"resources\": {\"storage\": \"1 GB\"}}";
        final String other = "{\"demandId\": \"d-2\", \"consumerId\": \"c2\", \"resources\": {\"storage\": \"1 GB\"}}";
        final String release = "{\"demandId\": \"r-1\", \"consumerId\": \"c2\", \"type\": \"RELEASE\", \"releaseOf\": \"d-9\"}";

        assertThat(send("POST", "/v1/demands", "Bearer consumer-c1-secret-00", own).statusCode()).isEqualTo(202);
        final HttpResponse<String> refused = send("POST", "/v1/demands", "Bearer consumer-c1-secret-00", other);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("\"code\":\"FORBIDDEN\"", "\"field\":\"consumerId\"");
        assertThat(send("POST", "/v1/demands", "Bearer consumer-c1-secret-00", release).statusCode()).isEqualTo(403);
        assertThat(send("POST", "/v1/demands", "Bearer client-secret-0000000", release).statusCode()).isEqualTo(202);
        assertThat(published).hasSize(2);
    }

    @Test
    void aProviderTokenChangesOnlyItsOwnUnits() throws Exception {
        final String unit = "{\"dataUnitId\": \"u-9\", \"providerId\": \"%s\", \"kind\": \"STORAGE\", \"region\": \"eu-west\","
                + " \"capacity\": {\"storage\": \"1 TB\"}, \"pricePerHour\": {\"amount\": \"1\", \"currency\": \"USD\"}}";

        assertThat(send("POST", "/v1/data-units", "Bearer provider-p1-secret-0", unit.formatted("p-1")).statusCode()).isEqualTo(202);
        assertThat(send("POST", "/v1/data-units", "Bearer provider-p1-secret-0", unit.formatted("p-2")).statusCode()).isEqualTo(403);
        // u-1 belongs to p-1
        assertThat(send("POST", "/v1/telemetry", "Bearer provider-p2-secret-0", "{\"dataUnitId\": \"u-1\"}").statusCode())
                .isEqualTo(403);
        assertThat(send("POST", "/v1/telemetry", "Bearer provider-p1-secret-0", "{\"dataUnitId\": \"u-1\"}").statusCode())
                .isEqualTo(202);
        assertThat(send("PUT", "/v1/data-units/u-1/state", "Bearer provider-p2-secret-0",
                "{\"state\": \"MAINTENANCE\"}").statusCode()).isEqualTo(403);
        assertThat(send("POST", "/v1/demands", "Bearer provider-p1-secret-0",
                "{\"consumerId\": \"c1\", \"resources\": {\"storage\": \"1 GB\"}}").statusCode()).isEqualTo(403);
    }

    private HttpResponse<String> send(final String method, final String path, final String authorization, final String body)
            throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .header("Content-Type", "application/json")
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET written by hand, so the path reaches the server exactly as spelled. */
    private int rawGet(final String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", app.port())) {
            socket.setSoTimeout(5_000);
            final OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            final InputStream in = socket.getInputStream();
            final String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(status.substring(9, 12));
        }
    }
}
