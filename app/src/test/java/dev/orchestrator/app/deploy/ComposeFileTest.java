package dev.orchestrator.app.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.orchestrator.api.security.Identity;
import dev.orchestrator.api.security.TokenFile;
import dev.orchestrator.app.config.ConfigException;
import dev.orchestrator.app.config.ConfigKey;
import dev.orchestrator.app.config.ConfigLoader;
import dev.orchestrator.app.config.OrchestratorConfig;
import dev.orchestrator.connectors.executor.CommandExecutorConnector;
import dev.orchestrator.connectors.telemetry.TelemetrySourceConnector;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Connector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The deployment files at the project's root say what our code accepts: every orchestrator setting
 * in docker-compose.yml is one of our config keys with a valid value, the brokers form one 3-voter
 * KRaft quorum with replication 3 and min ISR 2, Prometheus scrapes every instance with a token the
 * instances know, the connector configurations pass the connectors' own validation, and the
 * Dockerfile copies what the build makes. No Docker engine runs here: this and
 * {@code DeploymentToolsIT} are what "validated" means.
 */
class ComposeFileTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** {@code ${NAME:-default}}, {@code ${NAME-default}} and {@code ${NAME}}, as compose interpolates them. */
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?}");

    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void readCompose() throws IOException {
        try (Reader reader = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
            final Map<String, Object> compose = new Yaml().load(reader);
            services = (Map<String, Map<String, Object>>) compose.get("services");
        }
    }

    @Test
    void everyOrchestratorSettingIsAKeyOfOursWithAValidValue() {
        final List<String> instances = orchestrators();
        assertTrue(instances.size() >= 2, "at least two orchestrator instances: " + instances);
        for (final String name : instances) {
            final Map<String, String> environment = environment(name);
            final OrchestratorConfig config;
            try {
                config = ConfigLoader.load(Optional.empty(), environment, Map.of(), ConfigLoader.Mode.RUN);
            } catch (final ConfigException e) {
                throw new AssertionError(name + ": " + e.getMessage(), e);
            }
            for (final String variable : environment.keySet()) {
                if (variable.startsWith("ORCH_")) {
                    final String key = variable.substring(5).toLowerCase(java.util.Locale.ROOT).replace('_', '.');
                    assertTrue(ConfigKey.byKey(key).isPresent(), name + ": " + variable + " is no setting of ours");
                } else if (variable.startsWith("KAFKA_")) {
                    final String clientKey = variable.substring(6).toLowerCase(java.util.Locale.ROOT).replace('_', '.');
                    // the loader only warns about a KAFKA_ variable it does not know: here it must be taken
                    assertTrue(config.kafkaClient().containsKey(clientKey), name + ": " + variable + " is not a Kafka client setting");
                } else {
                    assertEquals("JAVA_OPTS", variable, name + ": only ORCH_*, KAFKA_* and JAVA_OPTS reach the orchestrator");
                }
            }
            assertTrue(config.integer(ConfigKey.STANDBY_REPLICAS) >= 1, name + ": standby.replicas");
            assertEquals(3, config.integer(ConfigKey.TOPIC_REPLICATION_FACTOR), name + ": topic.replication.factor");
            assertEquals("2", config.kafkaClient().get("topic.min.insync.replicas"), name + ": internal topics' min ISR");
            assertEquals(brokers().stream().map(b -> b + ":9092").collect(Collectors.joining(",")),
                    config.string(ConfigKey.BOOTSTRAP_SERVERS), name + ": bootstrap lists every broker");
            // application.server is built from the advertised host: it must be the name the others resolve
            assertEquals(services.get(name).get("hostname"), config.string(ConfigKey.HTTP_ADVERTISED_HOST), name);
            assertTrue(String.valueOf(services.get(name).get("volumes")).contains(config.string(ConfigKey.STATE_DIR)),
                    name + ": the state dir is on a volume, so a restart keeps its stores");
        }
        assertEquals(1, instances.stream().map(n -> environment(n).get("ORCH_APPLICATION_ID")).distinct().count(),
                "instances share one application.id");
    }

    @Test
    void theBrokersFormOneQuorumWithThreeReplicasAndTwoInSync() {
        final List<String> brokers = brokers();
        assertEquals(3, brokers.size(), "three brokers: " + brokers);
        final Set<String> nodeIds = new HashSet<>();
        final Set<String> clusterIds = new HashSet<>();
        for (final String broker : brokers) {
            final Map<String, String> env = environment(broker);
            nodeIds.add(env.get("KAFKA_NODE_ID"));
            clusterIds.add(env.get("CLUSTER_ID"));
            assertEquals("broker,controller", env.get("KAFKA_PROCESS_ROLES"), broker);
            assertEquals("3", env.get("KAFKA_DEFAULT_REPLICATION_FACTOR"), broker);
            assertEquals("2", env.get("KAFKA_MIN_INSYNC_REPLICAS"), broker);
            assertEquals("3", env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"), broker);
            assertEquals("2", env.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"), broker);
            assertEquals("3", env.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"), broker);
            assertEquals("PLAINTEXT://" + broker + ":9092", env.get("KAFKA_ADVERTISED_LISTENERS"), broker);
            final Set<String> voters = new HashSet<>(List.of(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS").split(",")));
            assertEquals(brokers.size(), voters.size(), broker + ": every broker votes");
            assertTrue(voters.contains(env.get("KAFKA_NODE_ID") + "@" + broker + ":9093"), broker + " is in its own quorum");
        }
        assertEquals(3, nodeIds.size(), "distinct node ids");
        assertEquals(1, clusterIds.size(), "one CLUSTER_ID");
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusScrapesEveryInstanceWithATokenTheInstancesKnow() throws IOException {
        final Map<String, Object> prometheus;
        try (Reader reader = Files.newBufferedReader(ROOT.resolve("deploy/prometheus/prometheus.yml"))) {
            prometheus = new Yaml().load(reader);
        }
        final List<Map<String, Object>> jobs = (List<Map<String, Object>>) prometheus.get("scrape_configs");
        final Map<String, Object> job = jobs.stream().filter(j -> "orchestrator".equals(j.get("job_name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no orchestrator scrape job"));
        assertEquals("/metrics", job.get("metrics_path"));
        final List<String> targets = new ArrayList<>();
        for (final Map<String, Object> group : (List<Map<String, Object>>) job.get("static_configs")) {
            targets.addAll((List<String>) group.get("targets"));
        }
        final List<String> expected = orchestrators().stream()
                .map(n -> services.get(n).get("hostname") + ":" + environment(n).get("ORCH_HTTP_PORT")).toList();
        assertEquals(new HashSet<>(expected), new HashSet<>(targets), "one target per instance, on its HTTP port");

        final String metricsToken = Files.readString(ROOT.resolve("deploy/secrets/metrics-token")).trim();
        final Map<String, Identity> tokens = TokenFile.parse(Files.readAllLines(ROOT.resolve("deploy/secrets/http-tokens")));
        assertTrue(tokens.containsKey(metricsToken), "the scrape token is in the instances' token file");
        assertEquals(Identity.Role.OPERATOR, tokens.get(metricsToken).role(), "/metrics needs an operator token");
        assertTrue(String.valueOf(services.get("prometheus").get("volumes")).contains("deploy/secrets/metrics-token"));
        for (final String name : orchestrators()) {
            final String file = environment(name).get("ORCH_HTTP_TOKENS_FILE");
            assertTrue(String.valueOf(services.get(name).get("volumes")).contains("./deploy/secrets:" + Path.of(file).getParent()),
                    name + ": the token file is mounted where " + file + " says");
        }
    }

    @Test
    void theConnectorConfigurationsPassTheConnectorsOwnValidation() throws IOException {
        assertValid(new CommandExecutorConnector(), "deploy/connect/command-executor.json");
        assertValid(new TelemetrySourceConnector(), "deploy/connect/telemetry.json");
        final Properties worker = new Properties();
        try (Reader reader = Files.newBufferedReader(ROOT.resolve("deploy/connect/worker.properties"))) {
            worker.load(reader);
        }
        assertEquals(String.join(",", brokers().stream().map(b -> b + ":9092").toList()), worker.getProperty("bootstrap.servers"));
        final String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        assertTrue(dockerfile.contains("/opt/connect-plugins/orchestrator-connectors"), "the plugin lands on plugin.path");
        assertEquals("/opt/connect-plugins", worker.getProperty("plugin.path"));
        for (final String topic : List.of("config", "offset", "status")) {
            assertEquals("3", worker.getProperty(topic + ".storage.replication.factor"), topic + " topic replication");
        }
    }

    @Test
    void theDockerfileBuildsWhatItCopiesAndRunsAsANonRootUserWithAHealthCheck() throws IOException {
        final List<String> lines = Files.readAllLines(ROOT.resolve("Dockerfile"));
        final List<String> stages = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertTrue(stages.size() >= 2, "multi-stage: " + stages);
        assertTrue(stages.get(0).contains("maven"), "the first stage builds with Maven");
        for (final String line : lines) {
            if (line.startsWith("COPY ") && !line.contains("--from=")) {
                final String[] words = line.substring(5).trim().split("\\s+");
                // every word but the last (the destination) is a path in the build context
                for (int i = 0; i < words.length - 1; i++) {
                    assertTrue(Files.exists(ROOT.resolve(words[i])), "COPY source missing from the build context: " + words[i]);
                }
            }
        }
        final String text = String.join("\n", lines);
        assertTrue(text.contains("/src/app/target/orchestrator.jar"), "copies the jar the app module builds");
        assertTrue(Files.readString(ROOT.resolve("app/pom.xml")).contains("<finalName>orchestrator</finalName>"));
        assertTrue(text.matches("(?s).*\nUSER orchestrator\n.*"), "runs as the orchestrator user");
        assertTrue(text.contains("HEALTHCHECK") && text.contains("/health/ready"), "health check on /health/ready");
        final List<String> ignored = Files.readAllLines(ROOT.resolve(".dockerignore"));
        assertTrue(ignored.contains("**/target") && ignored.contains("data"), "build output and demo data stay out of the context");
        for (final String service : List.of("orchestrator-1", "orchestrator-2", "connect")) {
            final Object build = services.get(service).get("build");
            assertTrue(build instanceof Map<?, ?> map && stages.stream().anyMatch(s -> s.endsWith(" AS " + map.get("target"))),
                    service + " builds a stage the Dockerfile has");
        }
    }

    private static void assertValid(final Connector connector, final String file) throws IOException {
        final Map<String, String> config = new ObjectMapper().readValue(ROOT.resolve(file).toFile(),
                new TypeReference<TreeMap<String, String>>() { });
        assertEquals(connector.getClass().getName(), config.get("connector.class"), file);
        final Map<String, String> settings = new LinkedHashMap<>(config);
        for (final ConfigValue value : connector.validate(settings).configValues()) {
            if (!value.errorMessages().isEmpty()) {
                fail(file + ": " + value.name() + ": " + value.errorMessages());
            }
        }
        final Set<String> known = connector.config().names();
        for (final String key : config.keySet()) {
            // the worker's own keys (class, tasks, topics, converters) are checked by Connect itself
            final boolean workerKey = key.equals("connector.class") || key.equals("tasks.max") || key.equals("topics")
                    || key.endsWith(".converter");
            assertTrue(workerKey || known.contains(key) || key.startsWith("adapter."), file + ": unknown key " + key);
        }
    }

    private static List<String> orchestrators() {
        return services.entrySet().stream()
                .filter(e -> e.getValue().get("build") instanceof Map<?, ?> build && "orchestrator".equals(build.get("target")))
                .map(Map.Entry::getKey).sorted().toList();
    }

    private static List<String> brokers() {
        return services.entrySet().stream()
                .filter(e -> String.valueOf(e.getValue().get("image")).startsWith("apache/kafka:")
                        && environment(e.getKey()).containsKey("KAFKA_NODE_ID"))
                .map(Map.Entry::getKey).sorted().toList();
    }

    /** A service's environment as compose hands it over: merged anchors, defaults of ${VAR:-x} taken. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> environment(final String service) {
        final Object raw = services.get(service).get("environment");
        final Map<String, String> out = new TreeMap<>();
        if (raw instanceof Map<?, ?> map) {
            ((Map<String, Object>) map).forEach((k, v) -> out.put(k, interpolate(String.valueOf(v))));
        }
        return out;
    }

    private static String interpolate(final String value) {
        final Matcher matcher = INTERPOLATION.matcher(value);
        final StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            final String fallback = matcher.group(2);
            if (fallback == null) {
                fail("${" + matcher.group(1) + "} has no default: the compose file must work without an .env file");
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(fallback));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
