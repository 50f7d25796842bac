package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.api.HttpApi;
import dev.orchestrator.api.health.ReadinessReport;
import dev.orchestrator.app.config.ConfigException;
import dev.orchestrator.app.config.ConfigLoader;
import dev.orchestrator.testing.TestKeystores;
import io.javalin.Javalin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The http.* security settings: HTTPS with a keystore, peers trusting its certificate, and the checks at start. */
class HttpServingTest {
    @TempDir
    Path dir;

    private dev.orchestrator.app.config.OrchestratorConfig config(final Map<String, String> extra) {
        final Map<String, String> values = new java.util.HashMap<>(Map.of("bootstrap.servers", "127.0.0.1:9092"));
        values.putAll(extra);
        return ConfigLoader.load(Optional.empty(), Map.of(), values, ConfigLoader.Mode.RUN);
    }

    @Test
    void withAKeystoreTheApiIsHttpsAndPeersTrustItsCertificate() throws Exception {
        final Path keystore = TestKeystores.selfSigned(dir.resolve("api.p12"), "s3cret");

        final HttpServing serving = HttpServing.of(config(Map.of("http.tls.keystore", keystore.toString(),
                "http.tls.keystore.password", "s3cret", "http.token", "t")));
        final Javalin api = serving.apply(HttpApi.builder(() -> new ReadinessReport(true, "RUNNING"))).build().start("127.0.0.1", 0);
        try {
            assertThat(serving.scheme()).isEqualTo("https");
            // what a forwarded read does: the peer client over HTTPS, trusting the keystore's certificate
            assertThat(serving.peers().get("127.0.0.1:" + api.port(), "/health/live")).contains("{\"status\":\"UP\"}");
        } finally {
            api.stop();
        }
    }

    @Test
    void instancesCallEachOtherWithMutualTlsAndAPeerTokenAloneIsNotEnough() throws Exception {
        final Path keystore = TestKeystores.selfSigned(dir.resolve("api.p12"), "s3cret");
        final Map<String, String> tls = Map.of("http.tls.keystore", keystore.toString(), "http.tls.keystore.password", "s3cret",
                "http.token", "client-token-00000000", "http.peer.token", "peer-token-0000000000");
        final HttpServing a = HttpServing.of(config(tls));
        final HttpServing b = HttpServing.of(config(tls));
        final Javalin api = a.apply(HttpApi.builder(() -> new ReadinessReport(true, "RUNNING"))).build().start("127.0.0.1", 0);
        try {
            final String instance = "127.0.0.1:" + api.port();
            // B forwards a read to A: its certificate and the peer token get it past the check (404: no such route here)
            assertThat(b.peers().get(instance, "/internal/v1/units/u1")).isEmpty();
            // the peer token over TLS, but without a client certificate: refused
            final java.net.http.HttpClient noCertificate = java.net.http.HttpClient.newBuilder()
                    .sslContext(TestKeystores.trusting(keystore, "s3cret")).build();
            final java.net.http.HttpResponse<String> refused = noCertificate.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("https://" + instance + "/internal/v1/units/u1"))
                    .header("Authorization", "Bearer peer-token-0000000000").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.body()).contains("client certificate");
            // clients without a certificate still reach everything else
            assertThat(noCertificate.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("https://" + instance
                    + "/health/ready")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            // a certificate the keystore does not vouch for fails the handshake
            final Path stranger = TestKeystores.selfSigned(dir.resolve("stranger.p12"), "other1");
            final HttpServing outsider = HttpServing.of(config(Map.of("http.tls.keystore", stranger.toString(),
                    "http.tls.keystore.password", "other1", "http.token", "client-token-00000000",
                    "http.peer.token", "peer-token-0000000000")));
            assertThatThrownBy(() -> outsider.peers().get(instance, "/internal/v1/units/u1"))
                    .hasMessageContaining("unreachable");
        } finally {
            api.stop();
        }
    }

    @Test
    void refusesReadsBehindATokenThatIsNotSetAndAKeystoreItCannotOpen() throws Exception {
        assertThatThrownBy(() -> HttpServing.of(config(Map.of("http.token.reads", "true"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http.token");
        final Path junk = Files.writeString(dir.resolve("junk.p12"), "not a keystore");
        assertThatThrownBy(() -> HttpServing.of(config(Map.of("http.tls.keystore", junk.toString(),
                "http.tls.keystore.password", "x")))).isInstanceOf(ConfigException.class).hasMessageContaining("http.tls.keystore");
    }

    @Test
    void theTokenFileIsReadAgainWhenItChangesAndABadVersionChangesNothing() throws Exception {
        final Path tokens = Files.writeString(dir.resolve("tokens"), "operator ops old-token-0000000000\n");
        final HttpServing serving = HttpServing.of(config(Map.of("http.tokens.file", tokens.toString(),
                "http.peer.token", "peer-token-000000000", "http.tokens.reload.ms", "100", "http.tokens.grace.ms", "1500")));
        final Javalin api = serving.apply(HttpApi.builder(() -> new ReadinessReport(true, "RUNNING"))
                .metrics(new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT))).build().start("127.0.0.1", 0);
        try {
            assertThat(metrics(api, "old-token-0000000000")).isEqualTo(200);
            assertThat(metrics(api, "new-token-0000000000")).isEqualTo(401);

            Files.writeString(tokens, "operator ops new-token-0000000000\n");
            final long deadline = System.nanoTime() + 5_000_000_000L;
            while (metrics(api, "new-token-0000000000") != 200 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(metrics(api, "new-token-0000000000")).as("the new token, without a restart").isEqualTo(200);
            assertThat(metrics(api, "old-token-0000000000")).as("the old one, within its grace").isEqualTo(200);
            Thread.sleep(1_700);
            assertThat(metrics(api, "old-token-0000000000")).as("the old one, after its grace").isEqualTo(401);

            // a file caught half-written, or emptied, leaves the tokens as they were
            Files.writeString(tokens, "operator ops\n");
            Thread.sleep(300);
            assertThat(metrics(api, "new-token-0000000000")).isEqualTo(200);
            Files.writeString(tokens, "");
            Thread.sleep(300);
            assertThat(metrics(api, "new-token-0000000000")).isEqualTo(200);
            assertThat(metrics(api, "")).isEqualTo(401);
        } finally {
            api.stop();
            serving.reloader().orElseThrow().close();
        }
    }

    private static int metrics(final Javalin api, final String token) throws Exception {
        final java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + api.port() + "/metrics")).header("Authorization", "Bearer " + token).build();
        return java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
