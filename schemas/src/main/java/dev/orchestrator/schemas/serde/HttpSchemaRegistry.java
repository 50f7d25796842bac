package dev.orchestrator.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A client of any Confluent-compatible schema registry (Confluent, Apicurio's ccompat API, Karapace).
 * Both directions are cached: a schema is registered once per subject and fetched once per id.
 */
public final class HttpSchemaRegistry implements SchemaRegistry {
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;
    private final Map<String, Integer> idBySubjectAndSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemaById = new ConcurrentHashMap<>();

    public HttpSchemaRegistry(final URI base, final Duration timeout) {
        final String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text : text + "/");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public int register(final String subject, final Schema schema) {
        return idBySubjectAndSchema.computeIfAbsent(subject + '\u0000' + schema, key -> {
            final String body = json(Map.of("schema", schema.toString()));
            final HttpRequest request = request("subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "/versions")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            final int id = send(request, "register " + subject).path("id").asInt(-1);
            if (id < 0) {
                throw new SchemaRegistryException("registry answered without an id when registering " + subject);
            }
            schemaById.putIfAbsent(id, schema);
            return id;
        });
    }

    @Override
    public Schema byId(final int id) {
        return schemaById.computeIfAbsent(id, key -> {
            final JsonNode answer = send(request("schemas/ids/" + id).GET().build(), "fetch schema id " + id);
            final JsonNode text = answer.get("schema");
            if (text == null) {
                throw new SchemaRegistryException("registry answered without a schema for id " + id);
            }
            return new Schema.Parser().parse(text.asText());
        });
    }

    private HttpRequest.Builder request(final String path) {
        return HttpRequest.newBuilder(base.resolve(path))
                .timeout(timeout)
                .header("Content-Type", CONTENT_TYPE)
                .header("Accept", CONTENT_TYPE + ", application/json");
    }

    private JsonNode send(final HttpRequest request, final String what) {
        final HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (final IOException e) {
            throw new SchemaRegistryException("schema registry " + base + " unreachable (" + what + "): " + e, e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while asking the schema registry to " + what, e);
        }
        final JsonNode body = parse(response.body());
        if (response.statusCode() / 100 != 2) {
            throw new SchemaRegistryException("schema registry refused to " + what + ": HTTP " + response.statusCode()
                    + " error_code=" + body.path("error_code").asText("?") + " " + body.path("message").asText(""));
        }
        return body;
    }

    private static JsonNode parse(final String body) {
        try {
            return JSON.readTree(body == null || body.isEmpty() ? "{}" : body);
        } catch (final IOException e) {
            return JSON.createObjectNode().put("message", body);
        }
    }

    private static String json(final Map<String, Object> value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (final IOException e) {
            throw new SchemaRegistryException("cannot encode registry request", e);
        }
    }
}
