package dev.orchestrator.testing.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/** A small JSON HTTP server on a free local port, the base of the provider stand-ins. */
public abstract class JsonServer implements AutoCloseable {
    protected static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;

    protected JsonServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (final IOException e) {
            throw new IllegalStateException("cannot open a local port", e);
        }
        server.setExecutor(Executors.newFixedThreadPool(8, r -> {
            final Thread thread = new Thread(r, getClass().getSimpleName());
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", exchange -> {
            try (exchange) {
                final JsonNode body = exchange.getRequestBody().available() >= 0
                        ? parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)) : null;
                final Reply reply = handle(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        query(exchange.getRequestURI()), exchange.getRequestHeaders().getFirst("Authorization"), body);
                send(exchange, reply);
            } catch (final RuntimeException e) {
                send(exchange, new Reply(500, JSON.createObjectNode().put("error", e.toString())));
            }
        });
        server.start();
    }

    /** One answer: a status and a JSON body. */
    public record Reply(int status, Object body) {
    }

    protected abstract Reply handle(String method, String path, Map<String, String> query, String authorization, JsonNode body);

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static JsonNode parse(final String text) {
        try {
            return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (final IOException e) {
            return null;
        }
    }

    private static Map<String, String> query(final URI uri) {
        final Map<String, String> query = new HashMap<>();
        if (uri.getRawQuery() != null) {
            for (final String pair : uri.getRawQuery().split("&")) {
                final int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }

    private static void send(final HttpExchange exchange, final Reply reply) throws IOException {
        final byte[] bytes = JSON.writeValueAsBytes(reply.body());
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
