package dev.orchestrator.connectors.telemetry;

import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/** The telemetry source's settings; a bad endpoint entry fails validation with the entry quoted. */
public final class TelemetryConfig extends AbstractConfig {
    public static final String ENDPOINTS = "telemetry.endpoints";
    public static final String TOPIC_PREFIX = dev.orchestrator.connectors.OrchestratorTopics.PREFIX_KEY;
    public static final String REGISTRY_URL = dev.orchestrator.connectors.OrchestratorTopics.REGISTRY_KEY;
    public static final String INTERVAL = "poll.interval.ms";
    public static final String TIMEOUT = "request.timeout.ms";

    public static final ConfigDef DEFINITION = dev.orchestrator.connectors.OrchestratorTopics.define(new ConfigDef())
            .define(ENDPOINTS, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, (name, value) -> {
                try {
                    HealthEndpoint.parseAll((java.util.List<String>) value);
                } catch (final IllegalArgumentException e) {
                    throw new ConfigException(name, value, e.getMessage());
                }
            }, Importance.HIGH, "Units to probe, comma-separated, each providerId/unitId=http(s)://health-url.")
            .define(INTERVAL, Type.LONG, 10_000L, Range.between(100, 3_600_000), Importance.MEDIUM,
                    "How often each unit is probed; keep it well under the engine's engine.heartbeat.limit.ms.")
            .define(TIMEOUT, Type.LONG, 2_000L, Range.between(10, 60_000), Importance.MEDIUM,
                    "A probe not answered within this is a heartbeat saying unavailable.");

    public TelemetryConfig(final Map<String, String> settings) {
        super(DEFINITION, settings);
    }
}
