package dev.orchestrator.app.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads settings from a properties file, then environment variables ({@code ORCH_*} for ours,
 * {@code KAFKA_*} for Kafka clients), then flags, each overriding the one before, and validates
 * them all before anything starts.
 */
public final class ConfigLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
    private static final String KAFKA_PREFIX = "kafka.";
    private static final long MAX_FILE_BYTES = 1024 * 1024;
    /** Read by the ./orchestrator script for the JVM's own options, not a setting. */
    private static final String LAUNCHER_JAVA_OPTIONS = "ORCH_JAVA_OPTS";
    /** Variables Kafka's own scripts read; they are JVM options, not client settings. */
    private static final Set<String> KAFKA_SCRIPT_VARIABLES = Set.of("KAFKA_HEAP_OPTS", "KAFKA_OPTS",
            "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_LOG4J_OPTS", "KAFKA_JMX_OPTS", "KAFKA_GC_LOG_OPTS", "KAFKA_DEBUG",
            "KAFKA_HOME", "KAFKA_VERSION", "KAFKA_CLUSTER_ID");

    private static final Map<ConfigKey, String> DEMO_DEFAULTS = Map.of(
            ConfigKey.HTTP_HOST, "127.0.0.1",
            ConfigKey.STATE_DIR, "data/demo/state",
            ConfigKey.BROKER_DATA_DIR, "data/demo/broker",
            ConfigKey.APPLICATION_ID, "orchestrator-demo",
            // money moves in the demo, with periods short enough to watch releases go out
            ConfigKey.PAYMENTS_ENABLED, "true",
            ConfigKey.PAYMENTS_PERIOD_MS, "30000",
            // breaches count for two minutes: provider-4 falls out of standing and comes back while you watch
            ConfigKey.PAYMENTS_BREACH_WINDOW_MS, "120000", ConfigKey.PAYMENTS_INELIGIBLE_AFTER, "10",
            // the background optimizer makes room for demand turned away for lack of room
            ConfigKey.OPTIMIZER_ENABLED, "true",
            // disruption budgets refill every five minutes: team-a preempts team-c's GPU jobs again and again
            ConfigKey.PREEMPTION_WINDOW_MS, "300000");

    /** Which command is loading: {@code run} needs a cluster to be named; {@code demo} brings its own. */
    public enum Mode { DEMO, RUN }

    private final Map<String, Setting> settings = new LinkedHashMap<>();

    private record Setting(String value, String source) {
    }

    private ConfigLoader() {
    }

    /** Loads and validates; throws {@link ConfigException} with one line naming the offending key. */
    public static OrchestratorConfig load(final Optional<Path> file, final Map<String, String> environment,
                                          final Map<String, String> flags, final Mode mode) {
        final ConfigLoader loader = new ConfigLoader();
        if (mode == Mode.DEMO) {
            // the demo is a laptop toy: loopback only, everything under one folder
            DEMO_DEFAULTS.forEach((key, value) -> loader.put(key.key(), value, "demo default"));
        }
        file.ifPresent(loader::readFile);
        loader.readEnvironment(environment);
        flags.forEach((key, value) -> loader.put(key, value, "flag"));
        return loader.validate(mode);
    }

    private void readFile(final Path path) {
        final Properties properties = new DuplicateRefusingProperties(path);
        try {
            if (Files.size(path) > MAX_FILE_BYTES) {
                throw new ConfigException("config file " + path + " is larger than " + MAX_FILE_BYTES / 1024 + " KiB");
            }
            try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
        } catch (final NoSuchFileException e) {
            throw new ConfigException("cannot read config file " + path + ": no such file");
        } catch (final IOException | IllegalArgumentException e) {
            throw new ConfigException("cannot read config file " + path + ": " + e.getMessage());
        }
        new TreeMap<>(properties).forEach((k, v) -> put(k.toString().trim(), v.toString().trim(), path.toString()));
    }

    /** A key written twice is almost always a mistake; Properties would silently keep the last. */
    private static final class DuplicateRefusingProperties extends Properties {
        private static final long serialVersionUID = 1L;
        private final transient Path path;

        DuplicateRefusingProperties(final Path path) {
            this.path = path;
        }

        @Override
        public synchronized Object put(final Object key, final Object value) {
            if (containsKey(key)) {
                throw new ConfigException("key '" + key + "' appears more than once in " + path);
            }
            return super.put(key, value);
        }
    }

    private void readEnvironment(final Map<String, String> environment) {
        new TreeMap<>(environment).forEach((name, value) -> {
            if (name.equals(LAUNCHER_JAVA_OPTIONS)) {
                return;
            }
            if (name.startsWith("ORCH_")) {
                final String key = name.substring("ORCH_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
                if (ConfigKey.byKey(key).isEmpty()) {
                    throw new ConfigException("unknown environment variable " + name + " (no setting " + key + ")"
                            + suggestion(key));
                }
                put(key, value, "environment variable " + name);
            } else if (name.startsWith("KAFKA_") && !KAFKA_SCRIPT_VARIABLES.contains(name)) {
                final String clientKey = name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
                if (KafkaClientKeys.problem(clientKey).isPresent()) {
                    // KAFKA_* is a shared namespace: other tools' variables are not ours to reject
                    LOG.warn("ignoring environment variable {}: {} is not a Kafka client setting", name, clientKey);
                    return;
                }
                put(KAFKA_PREFIX + clientKey, value, "environment variable " + name);
            }
        });
    }

    private void put(final String key, final String value, final String source) {
        settings.put(key, new Setting(value, source));
    }

    private OrchestratorConfig validate(final Mode mode) {
        final Map<ConfigKey, String> ours = new LinkedHashMap<>();
        final Map<String, String> kafka = new TreeMap<>();
        settings.forEach((key, setting) -> {
            if (key.startsWith(KAFKA_PREFIX)) {
                final String clientKey = key.substring(KAFKA_PREFIX.length());
                KafkaClientKeys.problem(clientKey).ifPresent(problem -> {
                    throw new ConfigException("unknown key '" + key + "' in " + setting.source() + ": " + problem);
                });
                kafka.put(clientKey, setting.value());
                return;
            }
            final ConfigKey known = ConfigKey.byKey(key).orElseThrow(() ->
                    new ConfigException("unknown key '" + key + "' in " + setting.source() + suggestion(key)));
            known.type().problem(setting.value()).ifPresent(problem -> {
                throw new ConfigException(known.key() + "=" + quoted(known.key(), setting.value()) + " in "
                        + setting.source() + ": " + problem);
            });
            ours.put(known, setting.value());
        });
        for (final ConfigKey key : ConfigKey.values()) {
            if (!ours.containsKey(key) && key.defaultValue().isPresent()) {
                ours.put(key, key.defaultValue().get());
            }
            if (mode == Mode.RUN && key.requiredForRun() && !ours.containsKey(key)) {
                throw new ConfigException("missing required key " + key.key() + " (set it in the config file, "
                        + key.environmentVariable() + " or a flag)");
            }
        }
        return new OrchestratorConfig(ours, kafka);
    }

    private static String quoted(final String key, final String value) {
        return "'" + Secrets.shown(key, value) + "'";
    }

    /** A near miss among our keys, so a typo is one glance to fix. */
    private static String suggestion(final String key) {
        final List<ConfigKey> keys = Arrays.asList(ConfigKey.values());
        return keys.stream()
                .min(Comparator.comparingInt(k -> distance(k.key(), key)))
                .filter(k -> distance(k.key(), key) <= 3)
                .map(k -> " (did you mean " + k.key() + "?)")
                .orElse("");
    }

    private static int distance(final String a, final String b) {
        final int[] previous = new int[b.length() + 1];
        final int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                final int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            System.arraycopy(current, 0, previous, 0, current.length);
        }
        return previous[b.length()];
    }
}
