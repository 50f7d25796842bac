package dev.orchestrator.api.events;

import dev.orchestrator.api.query.BadParameter;
import dev.orchestrator.api.query.Unavailable;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * {@code GET /v1/events}: decisions, commands and audit events as Server-Sent Events, filtered by
 * {@code ?type=decision,command,audit}, {@code ?consumer=} and {@code ?unit=}. A client that
 * reconnects with {@code Last-Event-ID} gets what it missed while that is still in the buffer; when it
 * is not (too old, or an id from another instance), an {@code event: gap} says so before the stream
 * goes on. Each client holds one request thread, so their number is bounded.
 */
public final class EventRoutes {
    private static final Set<String> TYPES = Set.of("decision", "command", "audit");
    private static final long KEEP_ALIVE_MILLIS = 15_000;

    private final EventFeed feed;
    private final int maxClients;
    private final AtomicInteger clients = new AtomicInteger();

    public EventRoutes(final EventFeed feed, final int maxClients) {
        this.feed = feed;
        this.maxClients = maxClients;
    }

    public void register(final RoutesConfig routes) {
        // filters are checked before the stream opens, so a bad one is a plain 400
        routes.before("/v1/events", ctx -> Filter.of(ctx));
        routes.sse("/v1/events", this::stream);
    }

    private record Filter(Set<String> types, String consumer, String unit) {
        static Filter of(final Context ctx) {
            final String type = ctx.queryParam("type");
            Set<String> types = null;
            if (type != null) {
                types = Arrays.stream(type.split(",")).map(String::trim).collect(Collectors.toSet());
                if (!TYPES.containsAll(types)) {
                    throw new BadParameter("type", "type must be a comma-separated list of " + TYPES);
                }
            }
            return new Filter(types, ctx.queryParam("consumer"), ctx.queryParam("unit"));
        }
    }

    private void stream(final SseClient client) {
        if (clients.incrementAndGet() > maxClients) {
            clients.decrementAndGet();
            client.sendEvent("error", "{\"code\":\"UNAVAILABLE\",\"message\":\"too many live streams open; retry later\"}");
            client.close();
            return;
        }
        try {
            final Filter filter = Filter.of(client.ctx());
            final EventBuffer buffer = feed.subscribe();
            final String lastId = client.ctx().header("Last-Event-ID");
            long position;
            if (lastId == null) {
                position = buffer.latest() == 0 ? 0 : Math.max(0, buffer.latest() - 100);
            } else {
                position = feed.sequenceOf(lastId);
                if (position < 0) {
                    client.sendEvent("gap", "{\"lastEventId\":\"" + lastId.replace("\"", "") + "\",\"message\":"
                            + "\"that id is not from this instance's current run; events may have been missed\"}");
                    position = buffer.latest();
                }
            }
            client.sendComment("connected");
            while (!client.terminated()) {
                final EventBuffer.Batch batch = buffer.after(position, KEEP_ALIVE_MILLIS);
                if (batch.gap()) {
                    client.sendEvent("gap", "{\"message\":\"events were dropped from the buffer before they could be sent\"}");
                }
                for (final FeedEvent event : batch.events()) {
                    if (event.matches(filter.types(), filter.consumer(), filter.unit())) {
                        client.sendEvent(event.type(), event.json(), event.id());
                    }
                }
                if (batch.events().isEmpty()) {
                    client.sendComment("keep-alive");
                }
                position = batch.position();
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (final Unavailable e) {
            client.sendEvent("error", "{\"code\":\"UNAVAILABLE\"}");
        } finally {
            clients.decrementAndGet();
            client.close();
        }
    }
}
