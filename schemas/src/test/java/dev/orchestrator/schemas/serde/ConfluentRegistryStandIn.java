package dev.orchestrator.schemas.serde;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;

/**
 * A local server speaking the two calls of Confluent's schema registry REST API that serdes use
 * (register under a subject, fetch by id), with its error format, recording each request.
 */
final class ConfluentRegistryStandIn implements AutoCloseable {
    private static final Pattern REGISTER = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern BY_ID = Pattern.compile("/schemas/ids/(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    final List<String> requests = new CopyOnWriteArrayList<>();
    private final InProcessSchemaRegistry store = InProcessSchemaRegistry.inMemory();
    private final HttpServer server;

    ConfluentRegistryStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(final HttpExchange exchange) throws IOException {
        final String path = exchange.getRequestURI().getPath();
        requests.add(exchange.getRequestMethod() + " " + path);
        final Matcher register = REGISTER.matcher(path);
        final Matcher byId = BY_ID.matcher(path);
        try {
            if (exchange.getRequestMethod().equals("POST") && register.matches()) {
                final String subject = URLDecoder.decode(register.group(1), StandardCharsets.UTF_8);
                final String text = JSON.readTree(exchange.getRequestBody()).get("schema").asText();
                final int id = store.register(subject, new Schema.Parser().parse(text));
                answer(exchange, 200, Map.of("id", id));
            } else if (exchange.getRequestMethod().equals("GET") && byId.matches()) {
                answer(exchange, 200, Map.of("schema", store.byId(Integer.parseInt(byId.group(1))).toString()));
            } else {
                answer(exchange, 404, Map.of("error_code", 404, "message", "HTTP 404 Not Found"));
            }
        } catch (final SchemaRegistryException e) {
            final boolean missing = e.getMessage().contains("not registered");
            answer(exchange, missing ? 404 : 409, Map.of("error_code", missing ? 40403 : 409, "message", e.getMessage()));
        }
    }

    private static void answer(final HttpExchange exchange, final int status, final Map<String, Object> body)
            throws IOException {
        final byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
