package dev.orchestrator.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Reads a Server-Sent Events stream on a background thread, one parsed event at a time: for tests. */
final class SseReader implements AutoCloseable {
    /** One event as the wire carried it. */
    record Event(String name, String id, String data) {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile Stream<String> lines;

    SseReader(final String url, final Map<String, String> headers) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
        headers.forEach(request::header);
        final HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(request.build(),
                HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("event stream answered " + response.statusCode() + ": "
                    + String.join("\n", response.body().toList()));
        }
        lines = response.body();
        thread = new Thread(this::parse, "sse-reader");
        thread.setDaemon(true);
        thread.start();
    }

    private void parse() {
        String name = "message";
        String id = null;
        final StringBuilder data = new StringBuilder();
        try {
            for (final String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        events.add(new Event(name, id, data.toString()));
                    }
                    name = "message";
                    id = null;
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("data:")) {
                    data.append(data.length() == 0 ? "" : "\n").append(line.substring(5).trim());
                }
            }
        } catch (final RuntimeException e) {
            // the stream was closed
        }
    }

    /** The next event named {@code name} whose data contains {@code text}, or null after {@code timeout}. */
    Event await(final String name, final String text, final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            final Event event = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (event != null && event.name().equals(name) && event.data().contains(text)) {
                return event;
            }
        }
        return null;
    }

    @Override
    public void close() {
        lines.close();
        thread.interrupt();
    }
}
