package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestrator.app.config.ConfigLoader;
import dev.orchestrator.app.config.OrchestratorConfig;
import dev.orchestrator.testing.TestKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Money reads on two instances where reads need a client token: the instance that does not run the
 * escrow ledger reads it on the one that does, over the instance-to-instance routes the peer token
 * opens (a forward of the public route itself would be refused, the client's token never travels on).
 */
class PaymentsAcrossInstancesIT {
    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();
    private static final String CLIENT_TOKEN = "client-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void eitherInstanceAnswersMoneyReadsWhicheverRunsTheLedger() throws Exception {
        try (Instance a = Instance.start(config("a")); Instance b = Instance.start(config("b"))) {
            assertThat(InstanceIT.awaitReady(a.httpPort(), Duration.ofSeconds(60))).isEqualTo(200);
            assertThat(InstanceIT.awaitReady(b.httpPort(), Duration.ofSeconds(60))).isEqualTo(200);
            final HttpResponse<String> deposit = send(a, "POST", "/v1/consumers/c1/deposits",
                    "{\"amount\": \"25\", \"currency\": \"USD\"}");
            assertThat(deposit.statusCode()).as(deposit.body()).isEqualTo(202);

            for (final Instance at : List.of(a, b)) {
                final JsonNode account = await(at, "/v1/consumers/c1/account");
                assertThat(account.path("deposited").asText()).as(account.toString()).startsWith("25");
                final HttpResponse<String> payments = send(at, "GET", "/v1/payments?limit=5", null);
                assertThat(payments.statusCode()).as(payments.body()).isEqualTo(200);
                assertThat(send(at, "GET", "/v1/providers/nobody/earnings", null).statusCode()).isEqualTo(404);
            }
        }
    }

    private JsonNode await(final Instance at, final String path) throws Exception {
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        HttpResponse<String> answer = send(at, "GET", path, null);
        while (answer.statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(250);
            answer = send(at, "GET", path, null);
        }
        assertThat(answer.statusCode()).as(path + " at " + at.httpPort() + ": " + answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private HttpResponse<String> send(final Instance instance, final String method, final String path, final String body)
            throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.httpPort() + path))
                .header("Authorization", "Bearer " + CLIENT_TOKEN).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(15))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private OrchestratorConfig config(final String name) {
        return ConfigLoader.load(Optional.empty(), Map.of(), Map.ofEntries(
                Map.entry("bootstrap.servers", KAFKA.bootstrapServers()), Map.entry("http.port", "0"), Map.entry("http.host", "127.0.0.1"),
                Map.entry("state.dir", dir.resolve(name).toString()), Map.entry("application.id", "money-across-it"),
                Map.entry("http.token", CLIENT_TOKEN), Map.entry("http.peer.token", "peer-secret"),
                Map.entry("http.token.reads", "true"), Map.entry("payments.enabled", "true")), ConfigLoader.Mode.RUN);
    }
}
