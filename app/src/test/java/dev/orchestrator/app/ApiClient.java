package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

/** The integration tests' HTTP client for one instance: JSON requests, with a token when given, and polling until a state shows. */
final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final IntSupplier port;
    private final String token;
    private final Duration patience;

    /** {@code token} null: no Authorization header; {@code patience}: how long {@link #poll} waits. */
    ApiClient(final IntSupplier port, final String token, final Duration patience) {
        this.port = port;
        this.token = token;
        this.patience = patience;
    }

    HttpResponse<String> send(final String method, final String path, final String body) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.getAsInt() + path))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(15))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GETs {@code path} until it answers 200 with a body {@code done} accepts; fails with the last answer when it never does. */
    JsonNode poll(final String path, final Predicate<JsonNode> done) throws Exception {
        final long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            final HttpResponse<String> answer = send("GET", path, null);
            final JsonNode body = answer.statusCode() == 200 ? JSON.readTree(answer.body()) : null;
            if (body != null && done.test(body)) {
                return body;
            }
            assertThat(System.nanoTime()).as(path + " never got there in " + patience.toSeconds() + " s; last answer "
                    + answer.statusCode() + " " + answer.body()).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /**
     * Sends {@code body} to {@code path} with {@code method}, {@code contentType} and {@code authorization}
     * (none when null) and checks the answer is the documented error: {@code status}, {@code code},
     * a message without a stack trace, and {@code field} when not null.
     */
    static void assertRefused(final HttpClient http, final String url, final String method, final String contentType,
                              final String body, final String authorization, final int status, final String code,
                              final String field) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        final HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        final com.fasterxml.jackson.databind.JsonNode error = JSON.readTree(answer.body());
        assertThat(error.path("code").asText()).as(answer.body()).isEqualTo(code);
        assertThat(error.path("message").asText()).isNotBlank().doesNotContain("Exception", "\tat ");
        if (field != null) {
            assertThat(error.path("field").asText()).as(answer.body()).isEqualTo(field);
        }
    }
}
