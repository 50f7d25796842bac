package dev.orchestrator.connectors.telemetry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * Polls providers' health endpoints (a configured list) and publishes heartbeats with latency and,
 * when the endpoint reports it, used capacity to {@code telemetry.v1}. Endpoints are dealt out to at
 * most {@code tasks.max} tasks.
 */
public final class TelemetrySourceConnector extends SourceConnector {
    static final String VERSION = "0.1.0";
    private Map<String, String> settings;
    private List<String> endpoints;

    @Override
    public void start(final Map<String, String> props) {
        final TelemetryConfig config = new TelemetryConfig(props);
        this.settings = Map.copyOf(props);
        this.endpoints = HealthEndpoint.parseAll(config.getList(TelemetryConfig.ENDPOINTS)).stream().map(HealthEndpoint::entry).toList();
    }

    @Override
    public Class<? extends Task> taskClass() {
        return TelemetrySourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(final int maxTasks) {
        final int tasks = Math.max(1, Math.min(maxTasks, endpoints.size()));
        final List<Map<String, String>> configs = new ArrayList<>();
        for (int task = 0; task < tasks; task++) {
            final List<String> share = new ArrayList<>();
            for (int i = task; i < endpoints.size(); i += tasks) {
                share.add(endpoints.get(i));
            }
            final Map<String, String> config = new HashMap<>(settings);
            config.put(TelemetryConfig.ENDPOINTS, String.join(",", share));
            configs.add(config);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return TelemetryConfig.DEFINITION;
    }

    @Override
    public String version() {
        return VERSION;
    }
}
