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

    private final HttpClient client;
    private final String scheme;
    private final String credential;

    /** Plain HTTP between instances, without a peer token. */
    public Peers() {
        this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(), "http", null);
    }

    /**
     * {@code client} carries the TLS settings when instances talk HTTPS ({@code scheme} "https");
     * {@code peerToken}, when set, is sent as the bearer token: a forwarded request carries this
     * instance's own credential, never the caller's.
     */
    public Peers(final HttpClient client, final String scheme, final String peerToken) {
        this.client = client;
        this.scheme = scheme;
        this.credential = peerToken == null || peerToken.isEmpty() ? null : "Bearer " + peerToken;
    }

    /** GETs {@code path} (with its query) from {@code instance}: the body when 200, empty when 404. */
    public Optional<String> get(final String instance, final String path) {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(scheme + "://" + instance + path)).timeout(TIMEOUT)
                .header(HOP_HEADER, "1").header("Accept", "application/json").GET();
        if (credential != null) {
            builder.header("Authorization", credential);
        }
        final HttpRequest request = builder.build();
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
