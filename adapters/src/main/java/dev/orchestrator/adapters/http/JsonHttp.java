package dev.orchestrator.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchestrator.adapters.AdapterException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * JSON over HTTP for adapters whose provider speaks a REST API, with the provider's answers
 * classified once: no answer, 408, 425, 429 and 5xx are transient; other 4xx are terminal (bad
 * credentials, unknown market or region, a refused spec); 404 on a read is "nothing there".
 */
public final class JsonHttp {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final URI base;
    private final String bearerToken;
    private final Duration timeout;
    private final String provider;

    public JsonHttp(final String provider, final URI base, final String bearerToken, final Duration timeout) {
        this.provider = provider;
        this.base = base.toString().endsWith("/") ? base : URI.create(base + "/");
        this.bearerToken = bearerToken;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** GET; a 404 is an empty answer, not an error. */
    public Optional<JsonNode> get(final String path) {
        return send(request(path).GET(), path, true);
    }

    /** POST with a JSON body; the answer's JSON (an empty object when it had no body). */
    public JsonNode post(final String path, final JsonNode body) {
        final String text;
        try {
            text = JSON.writeValueAsString(body);
        } catch (final IOException e) {
            throw new AdapterException(AdapterException.Kind.TERMINAL, "cannot encode the request to " + path, e);
        }
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(text)),
                path, false).orElseGet(JSON::createObjectNode);
    }

    private HttpRequest.Builder request(final String path) {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
                .timeout(timeout).header("Accept", "application/json");
        if (bearerToken != null && !bearerToken.isBlank()) {
            builder.header("Authorization", "Bearer " + bearerToken);
        }
        return builder;
    }

    private Optional<JsonNode> send(final HttpRequest.Builder request, final String path, final boolean notFoundIsEmpty) {
        final HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (final IOException e) {
            throw new AdapterException(AdapterException.Kind.TRANSIENT, provider + " did not answer " + path + ": " + e, e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdapterException(AdapterException.Kind.TRANSIENT, "interrupted while calling " + provider, e);
        }
        final int status = response.statusCode();
        if (status == 404 && notFoundIsEmpty) {
            return Optional.empty();
        }
        if (status >= 200 && status < 300) {
            return Optional.of(parse(response.body(), path));
        }
        final String message = provider + " answered " + status + " to " + path + ": " + abbreviate(response.body());
        throw new AdapterException(isTransient(status) ? AdapterException.Kind.TRANSIENT : AdapterException.Kind.TERMINAL,
                message, null);
    }

    private static boolean isTransient(final int status) {
        return status == 408 || status == 425 || status == 429 || status >= 500;
    }

    private JsonNode parse(final String body, final String path) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (final IOException e) {
            // a proxy's HTML error page during an outage, most often
            throw new AdapterException(AdapterException.Kind.TRANSIENT, provider + " sent no JSON for " + path + ": "
                    + abbreviate(body), e);
        }
    }

    private static String abbreviate(final String body) {
        if (body == null) {
            return "";
        }
        return body.length() <= 300 ? body : body.substring(0, 300) + "...";
    }
}
