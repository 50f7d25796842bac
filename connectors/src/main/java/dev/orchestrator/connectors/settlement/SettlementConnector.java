package dev.orchestrator.connectors.settlement;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * The Stellar settlement executor as a Kafka Connect sink on {@code payments.v1}: one task, since
 * the ledger's movements are in one partition and one platform account's sequence orders them.
 */
public final class SettlementConnector extends SinkConnector {
    static final String VERSION = "0.1.0";
    private Map<String, String> settings;

    @Override
    public void start(final Map<String, String> props) {
        new SettlementConfig(props);
        this.settings = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return SettlementSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(final int maxTasks) {
        return List.of(settings);
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return SettlementConfig.DEFINITION;
    }

    @Override
    public String version() {
        return VERSION;
    }
}
