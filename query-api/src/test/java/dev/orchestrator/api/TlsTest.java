package dev.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.api.health.ReadinessReport;
import dev.orchestrator.testing.TestKeystores;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS with a self-signed keystore: served over TLS, and plain HTTP is not. */
class TlsTest {
    @TempDir
    Path dir;

    @Test
    void servesHttpsOnlyWhenAKeystoreIsGiven() throws Exception {
        final Path keystore = TestKeystores.selfSigned(dir.resolve("api.p12"), "changeit");

        final Javalin app = HttpApi.builder(() -> new ReadinessReport(true, "RUNNING")).tls(keystore, "changeit").build()
                .start("127.0.0.1", 0);
        try {
            final HttpClient https = HttpClient.newBuilder().sslContext(TestKeystores.trusting(keystore, "changeit")).build();
            final HttpResponse<String> secure = https.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + app.port() + "/health/live")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(secure.statusCode()).isEqualTo(200);
            assertThat(secure.sslSession()).isPresent();

            assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + "/health/live")).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);
        } finally {
            app.stop();
        }
    }
}
