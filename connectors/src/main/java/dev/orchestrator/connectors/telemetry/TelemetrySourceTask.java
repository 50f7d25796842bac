package dev.orchestrator.connectors.telemetry;

import dev.orchestrator.avro.Telemetry;
import dev.orchestrator.connectors.OrchestratorTopics;
import dev.orchestrator.schemas.Topics;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes its share of the configured health endpoints every interval and publishes one heartbeat per
 * unit per round to the telemetry topic (Avro in the Confluent framing, key the unit id). A unit
 * that stops answering keeps getting heartbeats that say so, which the engine counts against its
 * availability; a unit whose endpoint is gone from the list simply stops beating.
 */
public final class TelemetrySourceTask extends SourceTask {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetrySourceTask.class);

    private Topics topics;
    private List<HealthEndpoint> endpoints;
    private HealthProbe probe;
    private long intervalMillis;
    private long nextRoundAt;
    private final Map<String, Boolean> lastAvailable = new java.util.HashMap<>();

    @Override
    public String version() {
        return TelemetrySourceConnector.VERSION;
    }

    @Override
    public void start(final Map<String, String> settings) {
        final TelemetryConfig config = new TelemetryConfig(settings);
        topics = OrchestratorTopics.of(config);
        endpoints = HealthEndpoint.parseAll(config.getList(TelemetryConfig.ENDPOINTS));
        final Duration timeout = Duration.ofMillis(config.getLong(TelemetryConfig.TIMEOUT));
        probe = new HealthProbe(HttpClient.newBuilder().connectTimeout(timeout).build(), timeout, System::nanoTime);
        intervalMillis = config.getLong(TelemetryConfig.INTERVAL);
        LOG.info("telemetry source started endpoints={} intervalMs={}", endpoints.size(), intervalMillis);
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        final long wait = nextRoundAt - System.currentTimeMillis();
        if (wait > 0) {
            // Connect calls poll in a loop: wait here, but briefly, so a stop request is not held up
            Thread.sleep(Math.min(wait, 500));
            return null;
        }
        nextRoundAt = System.currentTimeMillis() + intervalMillis;
        final List<SourceRecord> records = new ArrayList<>(endpoints.size());
        final String topic = topics.telemetry.name();
        for (final HealthEndpoint endpoint : endpoints) {
            final Telemetry heartbeat = probe.probe(endpoint);
            final Boolean before = lastAvailable.put(endpoint.unitId(), heartbeat.getAvailable());
            if (before == null || before != heartbeat.getAvailable()) {
                LOG.info("unit={} provider={} {}", endpoint.unitId(), endpoint.providerId(),
                        heartbeat.getAvailable() ? "answers its health probe" : "does not answer its health probe at " + endpoint.url());
            }
            records.add(new SourceRecord(Map.of("unit", endpoint.unitId()), Map.of("at", heartbeat.getObservedAt().toEpochMilli()),
                    topic, null, Schema.STRING_SCHEMA, endpoint.unitId(), Schema.BYTES_SCHEMA,
                    topics.telemetry.valueSerde().serializer().serialize(topic, heartbeat)));
        }
        return records;
    }

    @Override
    public void stop() {
        LOG.info("telemetry source stopped");
    }
}
