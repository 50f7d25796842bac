package dev.orchestrator.app.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** Reads demands over one instance's HTTP API, as a user would, to time how long reads stay unavailable. */
final class QueryProbe {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<String> demandIds;

    QueryProbe(final List<String> demandIds) {
        this.demandIds = List.copyOf(demandIds);
    }

    /** Whether every demand reads 200 from the instance on {@code port} (a read of another instance's key is forwarded). */
    boolean allAnswered(final int port) throws InterruptedException {
        for (final String id : demandIds) {
            final HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/demands/" + id))
                    .timeout(Duration.ofSeconds(3)).GET().build();
            try {
                if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                    return false;
                }
            } catch (final IOException e) {
                return false;
            }
        }
        return true;
    }

    /** Seconds from {@code since} (System.nanoTime) until every demand reads 200 on {@code port}; -1 when not within {@code timeout}. */
    double secondsUntilAnswered(final int port, final long since, final Duration timeout) throws InterruptedException {
        final long deadline = since + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (allAnswered(port)) {
                return (System.nanoTime() - since) / 1e9;
            }
            Thread.sleep(100);
        }
        return -1;
    }
}
