package dev.orchestrator.api.query;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Calls to the other instances of the application for state they own. A forwarded call carries
 * {@link #HOP_HEADER}; an instance that receives one answers from its own stores or not at all, so a
 * request travels one hop at most, even while instances disagree about who owns what.
 */
public final class Peers {
    public static final String HOP_HEADER = "X-Orchestrator-Forwarded";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** GETs {@code path} (with its query) from {@code instance}: the body when 200, empty when 404. */
    public Optional<String> get(final String instance, final String path) {
        final HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + instance + path)).timeout(TIMEOUT)
                .header(HOP_HEADER, "1").header("Accept", "application/json").GET().build();
        try {
            final HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return Optional.of(response.body());
            }
            if (response.statusCode() == 404) {
                return Optional.empty();
            }
            throw new Unavailable("instance " + instance + " answered " + response.statusCode());
        } catch (final IOException e) {
            throw new Unavailable("instance " + instance + " is unreachable: " + e.getMessage());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while asking " + instance);
        }
    }

    public static String encode(final String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
