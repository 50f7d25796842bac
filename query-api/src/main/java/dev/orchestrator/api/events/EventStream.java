package dev.orchestrator.api.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestrator.api.ApiError;
import dev.orchestrator.api.Rejected;
import dev.orchestrator.api.security.Access;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/events}: decisions, commands and audit events as Server-Sent Events, filtered by
 * {@code ?type=decision,command,audit}, {@code ?consumer=} and {@code ?unit=}. A client that
 * reconnects with {@code Last-Event-ID} gets what it missed while that is still in the buffer; when
 * it is not (too old, or an id from another instance or run), an {@code event: gap} says so before
 * the stream goes on.
 *
 * <p>A plain servlet with the Servlet API's async mode rather than Javalin's SSE support: when a
 * client went away, Javalin 7 finished the request after Jetty had recycled it and looped forever
 * logging the failure. Here each stream is written by one thread of a bounded pool and ends when a
 * write fails or the container reports the request complete.
 */
public final class EventStream extends HttpServlet {
    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
    private static final Set<String> TYPES = Set.of("decision", "command", "audit");
    private static final long KEEP_ALIVE_MILLIS = 15_000;
    private static final int RECENT_ON_CONNECT = 100;

    private final transient EventFeed feed;
    private final transient Access access;
    private final int maxClients;
    private final AtomicInteger clients = new AtomicInteger();
    private final transient ExecutorService writers;
    private final transient ObjectMapper json = new ObjectMapper();

    public EventStream(final EventFeed feed, final Access access, final int maxClients) {
        this.feed = feed;
        this.access = access;
        this.maxClients = maxClients;
        this.writers = Executors.newFixedThreadPool(maxClients, r -> {
            final Thread thread = new Thread(r, "event-stream");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** What one client asked to see. */
    record Filter(Set<String> types, String consumer, String unit) {
        static Filter of(final HttpServletRequest request) {
            final String type = request.getParameter("type");
            Set<String> types = null;
            if (type != null) {
                types = Arrays.stream(type.split(",")).map(String::trim).collect(Collectors.toSet());
                if (!TYPES.containsAll(types)) {
                    throw new Rejected(400, "INVALID_PARAMETER", "type", "type must be a comma-separated list of " + TYPES);
                }
            }
            return new Filter(types, request.getParameter("consumer"), request.getParameter("unit"));
        }
    }

    @Override
    protected void doGet(final HttpServletRequest request, final HttpServletResponse response) throws IOException {
        final Filter filter;
        try {
            final Rejected refusal = access.eventStreamRefusal(request.getHeader("Authorization"),
                    request.getParameter(Access.TOKEN_PARAMETER));
            if (refusal != null) {
                response.setHeader("WWW-Authenticate", "Bearer");
                throw refusal;
            }
            filter = Filter.of(request);
            if (clients.incrementAndGet() > maxClients) {
                clients.decrementAndGet();
                response.setHeader("Retry-After", "5");
                throw new Rejected(503, "UNAVAILABLE", null, "too many live streams open (" + maxClients + "); retry later");
            }
        } catch (final Rejected e) {
            response.setStatus(e.status());
            response.setContentType("application/json");
            response.getOutputStream().write(json.writeValueAsBytes(new ApiError(e.code(), e.getMessage(), e.field())));
            return;
        }
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        final AsyncContext async = request.startAsync();
        async.setTimeout(0);
        final AtomicBoolean done = new AtomicBoolean();
        async.addListener(new AsyncListener() {
            @Override
            public void onComplete(final AsyncEvent event) {
                done.set(true);
            }

            @Override
            public void onTimeout(final AsyncEvent event) {
                done.set(true);
            }

            @Override
            public void onError(final AsyncEvent event) {
                done.set(true);
            }

            @Override
            public void onStartAsync(final AsyncEvent event) {
                // nothing to set up again
            }
        });
        final String lastEventId = request.getHeader("Last-Event-ID");
        final OutputStream out = response.getOutputStream();
        writers.execute(() -> write(async, out, filter, lastEventId, done));
    }

    private void write(final AsyncContext async, final OutputStream out, final Filter filter, final String lastEventId,
                       final AtomicBoolean done) {
        try {
            final EventBuffer buffer = feed.subscribe();
            long position;
            if (lastEventId == null) {
                position = Math.max(0, buffer.latest() - RECENT_ON_CONNECT);
            } else {
                position = feed.sequenceOf(lastEventId);
                if (position < 0) {
                    send(out, "gap", null, "{\"message\":\"that id is not from this instance's current run; events may have been missed\"}");
                    position = buffer.latest();
                }
            }
            out.write(": connected\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (!done.get()) {
                final EventBuffer.Batch batch = buffer.after(position, KEEP_ALIVE_MILLIS);
                if (batch.gap()) {
                    send(out, "gap", null, "{\"message\":\"events were dropped from the buffer before they could be sent\"}");
                }
                for (final FeedEvent event : batch.events()) {
                    if (event.matches(filter.types(), filter.consumer(), filter.unit())) {
                        send(out, event.type(), event.id(), event.json());
                    }
                }
                if (batch.events().isEmpty()) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
                position = batch.position();
            }
        } catch (final IOException | IllegalStateException e) {
            // the client went away: the next write failed
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (final RuntimeException e) {
            LOG.warn("live stream ended by an error: {}", e.toString());
        } finally {
            clients.decrementAndGet();
            try {
                async.complete();
            } catch (final IllegalStateException e) {
                // already completed by the container
            }
        }
    }

    private static void send(final OutputStream out, final String name, final String id, final String data) throws IOException {
        final StringBuilder frame = new StringBuilder(data.length() + 64);
        if (id != null) {
            frame.append("id: ").append(id).append('\n');
        }
        frame.append("event: ").append(name).append('\n').append("data: ").append(data).append("\n\n");
        out.write(frame.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void destroy() {
        writers.shutdownNow();
    }
}
