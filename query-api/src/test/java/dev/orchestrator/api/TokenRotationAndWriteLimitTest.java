package dev.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.api.health.ReadinessReport;
import dev.orchestrator.api.security.Access;
import dev.orchestrator.api.security.Identity;
import dev.orchestrator.api.security.TokenFile;
import dev.orchestrator.api.security.WriteRateLimit;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tokens replaced while the server runs (the old one honoured for a grace period) and per-client write limits, over a real server. */
class TokenRotationAndWriteLimitTest {
    private static final String SLA = "{\"slaId\": \"s-%d\", \"maxLatencyMillis\": 20, \"minAvailability\": 0.99}";
    private final List<WriteRoutesTest.Published> published = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private Javalin app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void aRotatedTokenWorksAtOnceAndTheOldOneOnlyForTheGracePeriod() throws Exception {
        final Access access = new Access(tokens("operator ops old-token-0000000000"), "peer-secret", false);
        start(access, WriteRateLimit.off());
        assertThat(post("old-token-0000000000", 1).statusCode()).isEqualTo(202);

        final int retired = access.replaceTokens(tokens("operator ops new-token-0000000000"), Duration.ofMillis(800));

        assertThat(retired).isEqualTo(1);
        assertThat(post("new-token-0000000000", 2).statusCode()).isEqualTo(202);
        assertThat(post("old-token-0000000000", 3).statusCode()).as("within the grace period").isEqualTo(202);
        Thread.sleep(1_000);
        assertThat(post("old-token-0000000000", 4).statusCode()).as("after the grace period").isEqualTo(401);
        assertThat(post("new-token-0000000000", 5).statusCode()).isEqualTo(202);
        // a later rotation does not bring a retired token back or extend its grace
        access.replaceTokens(tokens("operator ops third-token-000000000"), Duration.ofMinutes(5));
        assertThat(post("old-token-0000000000", 6).statusCode()).isEqualTo(401);
        assertThat(post("new-token-0000000000", 7).statusCode()).isEqualTo(202);
    }

    @Test
    void tokensCannotBeRotatedAwayAltogether() {
        final Access access = new Access(tokens("operator ops old-token-0000000000"), "peer-secret", false);
        assertThatThrownBy(() -> access.replaceTokens(Map.of(), Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no tokens left");
    }

    @Test
    void writesPastAClientsLimitAre429WithRetryAfterAndOtherClientsGoOn() throws Exception {
        start(new Access(tokens("operator ops ops-token-0000000000", "operator ci ci-token-00000000000"), "peer-secret", false),
                new WriteRateLimit(1, 3));
        for (int i = 0; i < 3; i++) {
            assertThat(post("ops-token-0000000000", i).statusCode()).as("burst write %d", i).isEqualTo(202);
        }
        final HttpResponse<String> refused = post("ops-token-0000000000", 3);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("\"code\":\"RATE_LIMITED\"", "from operator ops");
        final long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 2L);
        assertThat(published).hasSize(3);
        // another identity has a bucket of its own, and reads are not limited
        assertThat(post("ci-token-00000000000", 4).statusCode()).isEqualTo(202);
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        Thread.sleep(retryAfter * 1_000);
        assertThat(post("ops-token-0000000000", 5).statusCode()).as("after Retry-After").isEqualTo(202);
    }

    @Test
    void withoutTokensEachAddressIsAClient() throws Exception {
        start(Access.open(), new WriteRateLimit(1, 1));
        assertThat(post(null, 1).statusCode()).isEqualTo(202);
        final HttpResponse<String> refused = post(null, 2);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("address 127.0.0.1");
    }

    private void start(final Access access, final WriteRateLimit limit) {
        app = HttpApi.builder(() -> new ReadinessReport(true, "RUNNING")).writes(WriteRoutesTest.routes(published))
                .access(access).writeLimit(limit).build().start("127.0.0.1", 0);
    }

    private static Map<String, Identity> tokens(final String... lines) {
        return TokenFile.parse(List.of(lines));
    }

    private HttpResponse<String> post(final String token, final int n) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/v1/slas"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(String.format(SLA, n)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
