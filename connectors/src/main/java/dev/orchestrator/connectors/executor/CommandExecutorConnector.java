package dev.orchestrator.connectors.executor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * The command executor as a Kafka Connect sink: reads {@code commands.v1} (keyed by data unit, so a
 * unit's commands reach one task in order), drives the configured provider adapter and writes
 * outcomes, job states and dead letters back to the orchestrator's topics.
 */
public final class CommandExecutorConnector extends SinkConnector {
    static final String VERSION = "0.1.0";
    private Map<String, String> settings;

    @Override
    public void start(final Map<String, String> props) {
        new ExecutorConfig(props);
        this.settings = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return CommandExecutorTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(final int maxTasks) {
        final List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            configs.add(settings);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return ExecutorConfig.DEFINITION;
    }

    @Override
    public String version() {
        return VERSION;
    }
}
