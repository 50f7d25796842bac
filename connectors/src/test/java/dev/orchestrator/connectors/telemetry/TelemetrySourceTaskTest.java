package dev.orchestrator.connectors.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchestrator.avro.Telemetry;
import dev.orchestrator.connectors.OrchestratorTopics;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.testing.standin.JsonServer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The telemetry source task, run as a worker runs it, against a local provider with several kinds of health page. */
class TelemetrySourceTaskTest {
    private final AtomicInteger probes = new AtomicInteger();
    private final JsonServer provider = new JsonServer() {
        @Override
        protected Reply handle(final String method, final String path, final Map<String, String> query, final String authorization,
                               final JsonNode body) {
            probes.incrementAndGet();
            return switch (path) {
                case "/ok" -> new Reply(200, Map.of("status", "UP", "usedCapacity", Map.of("storageBytes", 5_000_000L, "gpuCount", 1)));
                case "/plain" -> new Reply(200, "fine");
                case "/huge" -> new Reply(200, Map.of("usedCapacity", Map.of("storageBytes", 1), "padding", "x".repeat(200_000)));
                case "/negative" -> new Reply(200, Map.of("usedCapacity", Map.of("storageBytes", -1)));
                default -> new Reply(503, Map.of("status", "DOWN"));
            };
        }
    };
    private final Topics topics = OrchestratorTopics.of("", "");
    private final TelemetrySourceTask task = new TelemetrySourceTask();

    @AfterEach
    void stop() {
        task.stop();
        provider.close();
    }

    private Map<String, String> settings(final String endpoints) {
        final Map<String, String> settings = new HashMap<>();
        settings.put(TelemetryConfig.ENDPOINTS, endpoints);
        settings.put(TelemetryConfig.INTERVAL, "60000");
        settings.put(TelemetryConfig.TIMEOUT, "1000");
        return settings;
    }

    @Test
    void oneHeartbeatPerUnitSayingWhetherItAnsweredAndWhatItUses() throws InterruptedException {
        final String base = provider.url().toString();
        task.start(settings(String.join(",", "p1/u-ok=" + base + "/ok", "p1/u-plain=" + base + "/plain", "p2/u-down=" + base + "/down",
                "p2/u-gone=http://127.0.0.1:1/health", "p3/u-huge=" + base + "/huge", "p3/u-neg=" + base + "/negative")));

        final List<SourceRecord> records = task.poll();

        assertThat(records).hasSize(6).allSatisfy(r -> assertThat(r.topic()).isEqualTo("telemetry.v1"));
        final Map<String, Telemetry> byUnit = new HashMap<>();
        records.forEach(r -> byUnit.put((String) r.key(),
                topics.telemetry.valueSerde().deserializer().deserialize(r.topic(), (byte[]) r.value())));
        assertThat(byUnit.get("u-ok").getAvailable()).isTrue();
        assertThat(byUnit.get("u-ok").getLatencyMillis()).isPositive();
        assertThat(byUnit.get("u-ok").getProviderId()).isEqualTo("p1");
        assertThat(byUnit.get("u-ok").getUsedCapacity().getStorageBytes()).isEqualTo(5_000_000L);
        assertThat(byUnit.get("u-ok").getUsedCapacity().getGpuCount()).isEqualTo(1);
        assertThat(byUnit.get("u-plain").getAvailable()).isTrue();
        assertThat(byUnit.get("u-plain").getUsedCapacity()).isNull();
        assertThat(byUnit.get("u-down").getAvailable()).isFalse();
        assertThat(byUnit.get("u-down").getLatencyMillis()).isNull();
        assertThat(byUnit.get("u-gone").getAvailable()).isFalse();
        assertThat(byUnit.get("u-huge").getAvailable()).as("a body past 64 KiB is cut, not trusted").isTrue();
        assertThat(byUnit.get("u-huge").getUsedCapacity()).isNull();
        assertThat(byUnit.get("u-neg").getUsedCapacity()).isNull();

        assertThat(task.poll()).as("nothing until the next round").isNull();
    }

    @Test
    void badEndpointListsAreRefusedWithTheEntryQuoted() {
        assertThatThrownBy(() -> new TelemetryConfig(settings("u1=http://x/health")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("telemetry.endpoints").hasMessageContaining("'u1=http://x/health'");
        assertThatThrownBy(() -> new TelemetryConfig(settings("p/u=ftp://x/health"))).hasMessageContaining("not an http(s) URL");
        assertThatThrownBy(() -> new TelemetryConfig(settings("p/u u=http://x/"))).hasMessageContaining("ids are letters");
        assertThatThrownBy(() -> new TelemetryConfig(Map.of(TelemetryConfig.ENDPOINTS, "p/u=http://x/", TelemetryConfig.INTERVAL, "5")))
                .hasMessageContaining("poll.interval.ms");
    }

    @Test
    void endpointsAreDealtOutToTasks() {
        final TelemetrySourceConnector connector = new TelemetrySourceConnector();
        connector.start(settings("p/a=http://h/a,p/b=http://h/b,p/c=http://h/c"));

        final List<Map<String, String>> configs = connector.taskConfigs(2);

        assertThat(configs).extracting(c -> c.get(TelemetryConfig.ENDPOINTS))
                .containsExactly("p/a=http://h/a,p/c=http://h/c", "p/b=http://h/b");
        assertThat(connector.taskConfigs(10)).hasSize(3);
    }
}
