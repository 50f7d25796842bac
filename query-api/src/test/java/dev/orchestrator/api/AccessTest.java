package dev.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.api.health.ReadinessReport;
import dev.orchestrator.api.security.Access;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which routes need which token, over a real server. */
class AccessTest {
    private final Javalin app = HttpApi.builder(() -> new ReadinessReport(true, "RUNNING"))
            .writes(WriteRoutesTest.routes(new ArrayList<>()))
            .metrics(new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT))
            .access(new Access("client-secret", "peer-secret", true)).dashboard().build().start("127.0.0.1", 0);
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
            "POST, /v1/slas, Bearer client-secret, 202",
            "GET, /metrics, none, 401",
            "GET, /metrics, Bearer client-secret, 200",
            "GET, /v1/units/x, none, 401",
            "GET, /internal/v1/units/x, Bearer client-secret, 401",
            "GET, /internal/v1/units/x, Bearer peer-secret, 404",
            "GET, /health/ready, none, 200",
            "GET, /openapi.json, none, 200",
            "GET, /, none, 200",
    })
    void routesNeedTheirCredential(final String method, final String path, final String authorization, final int status)
            throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .header("Content-Type", "application/json")
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{\"slaId\": \"gold\", \"maxLatencyMillis\": 20, \"minAvailability\": 0.99}"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        final HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        if (status == 401) {
            assertThat(answer.headers().firstValue("WWW-Authenticate")).isPresent();
            assertThat(answer.body()).contains("\"code\":\"UNAUTHORIZED\"").doesNotContain("client-secret", "peer-secret");
        }
    }
}
