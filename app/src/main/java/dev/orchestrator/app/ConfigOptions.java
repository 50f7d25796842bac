package dev.orchestrator.app;

import dev.orchestrator.app.config.ConfigKey;
import dev.orchestrator.app.config.ConfigLoader;
import dev.orchestrator.app.config.OrchestratorConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Flags shared by every command that reads settings; flags override the file and the environment. */
final class ConfigOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "properties file with settings (see README)")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "any setting, e.g. --set topic.partitions=12 "
            + "or --set kafka.security.protocol=SSL; repeatable")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--http-port", paramLabel = "PORT", description = "port of the HTTP API (http.port)")
    String httpPort;

    /** Loads settings; {@code commandFlags} are the calling command's own flags, already named by key. */
    OrchestratorConfig load(final ConfigLoader.Mode mode, final Map<String, String> commandFlags) {
        final Map<String, String> flags = new LinkedHashMap<>(settings);
        flags.putAll(commandFlags);
        if (httpPort != null) {
            flags.put(ConfigKey.HTTP_PORT.key(), httpPort);
        }
        return ConfigLoader.load(Optional.ofNullable(file), System.getenv(), flags, mode);
    }
}
