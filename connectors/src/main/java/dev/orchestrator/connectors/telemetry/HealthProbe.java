package dev.orchestrator.connectors.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestrator.avro.Capacity;
import dev.orchestrator.avro.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * Probes one health endpoint and turns the answer into a heartbeat: a 2xx within the timeout is
 * available, with its round trip as the latency; anything else (no answer, an error status) is a
 * heartbeat saying unavailable. A JSON body may add {@code usedCapacity} ({@code cpuMillis},
 * {@code memoryBytes}, {@code storageBytes}, {@code gpuCount}); a body that is not such JSON is ignored,
 * since the answer itself is what the probe measures.
 */
public final class HealthProbe {
    /** Bodies are read up to this; a health page has no business being larger. */
    static final int MAX_BODY = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final Duration timeout;
    private final LongSupplier nanos;

    public HealthProbe(final HttpClient client, final Duration timeout, final LongSupplier nanos) {
        this.client = client;
        this.timeout = timeout;
        this.nanos = nanos;
    }

    public Telemetry probe(final HealthEndpoint endpoint) throws InterruptedException {
        final Telemetry.Builder heartbeat = Telemetry.newBuilder().setDataUnitId(endpoint.unitId())
                .setProviderId(endpoint.providerId()).setObservedAt(Instant.now());
        final long started = nanos.getAsLong();
        try {
            final HttpResponse<InputStream> answer = client.send(HttpRequest.newBuilder(endpoint.url()).timeout(timeout)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            final byte[] body;
            try (InputStream in = answer.body()) {
                body = in.readNBytes(MAX_BODY);
            }
            final double millis = (nanos.getAsLong() - started) / 1e6;
            if (answer.statusCode() < 200 || answer.statusCode() >= 300) {
                return heartbeat.setAvailable(false).build();
            }
            return heartbeat.setAvailable(true).setLatencyMillis(millis).setUsedCapacity(usedCapacity(body)).build();
        } catch (final IOException | IllegalArgumentException e) {
            return heartbeat.setAvailable(false).build();
        }
    }

    /** The optional {@code usedCapacity} of a JSON body, or null when there is none or it is not valid. */
    static Capacity usedCapacity(final byte[] body) {
        final JsonNode used;
        try {
            used = JSON.readTree(body).path("usedCapacity");
        } catch (final IOException e) {
            return null;
        }
        if (!used.isObject()) {
            return null;
        }
        final long cpu = used.path("cpuMillis").asLong(0);
        final long memory = used.path("memoryBytes").asLong(0);
        final long storage = used.path("storageBytes").asLong(0);
        final int gpus = used.path("gpuCount").asInt(0);
        if (cpu < 0 || memory < 0 || storage < 0 || gpus < 0) {
            return null;
        }
        return Capacity.newBuilder().setCpuMillis(cpu).setMemoryBytes(memory).setStorageBytes(storage).setGpuCount(gpus).build();
    }
}
