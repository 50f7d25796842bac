package dev.orchestrator.app.connect;

import dev.orchestrator.connectors.executor.CommandExecutorConnector;
import dev.orchestrator.connectors.executor.ExecutorConfig;
import dev.orchestrator.schemas.Topics;
import java.util.LinkedHashMap;
import java.util.Map;

/** The command executor's connector configuration, as the demo submits it and the README shows it. */
public final class ExecutorConnector {
    public static final String NAME = "orchestrator-command-executor";

    private ExecutorConnector() {
    }

    /** Settings for a connector reading {@code topics}' commands and driving {@code adapter} (its {@code adapter.*} settings). */
    public static Map<String, String> config(final Topics topics, final String bootstrap, final int tasks,
                                             final Map<String, String> adapter) {
        final Map<String, String> config = new LinkedHashMap<>();
        config.put("name", NAME);
        config.put("connector.class", CommandExecutorConnector.class.getName());
        config.put("tasks.max", String.valueOf(tasks));
        config.put("topics", topics.commands.name());
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("header.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put(ExecutorConfig.BOOTSTRAP, bootstrap);
        config.put(ExecutorConfig.TOPIC_PREFIX, topics.prefix());
        adapter.forEach((key, value) -> config.put(ExecutorConfig.ADAPTER_PREFIX + key, value));
        return config;
    }
}
