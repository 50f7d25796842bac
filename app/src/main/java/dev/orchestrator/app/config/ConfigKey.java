package dev.orchestrator.app.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Every setting of ours: its name, type, default and what it is for. Kafka client settings go under {@code kafka.}. */
public enum ConfigKey {
    BOOTSTRAP_SERVERS("bootstrap.servers", Type.HOST_PORT_LIST, null, true,
            "Kafka brokers, host:port[,host:port...]; the demo sets its embedded broker"),
    APPLICATION_ID("application.id", Type.IDENTIFIER, "orchestrator", false,
            "Kafka Streams application id: instances with the same id share the work"),
    TOPIC_PREFIX("topic.prefix", Type.TOPIC_PREFIX, "", false,
            "prefix of every topic name, e.g. prod. -> prod.demand.v1"),
    TOPIC_PARTITIONS("topic.partitions", Type.intRange(1, 10_000), "6", false,
            "partitions of topics created at start"),
    TOPIC_REPLICATION_FACTOR("topic.replication.factor", Type.intRange(-1, 32), "-1", false,
            "replicas of topics created at start; -1 takes the broker's default"),
    TOPIC_CREATE("topic.create", Type.BOOLEAN, "true", false,
            "create missing topics at start"),
    HTTP_HOST("http.host", Type.STRING, "0.0.0.0", false,
            "address the HTTP API listens on"),
    HTTP_PORT("http.port", Type.intRange(0, 65_535), "8080", false,
            "port of the HTTP API; 0 picks a free one"),
    SCHEMA_REGISTRY_URL("schema.registry.url", Type.URL, null, false,
            "Confluent-compatible schema registry; unset uses the in-process registry under state.dir"),
    STATE_DIR("state.dir", Type.STRING, "data/state", false,
            "where RocksDB stores and the in-process schema journal live"),
    STREAMS_THREADS("streams.threads", Type.intRange(1, 64), "1", false,
            "Kafka Streams threads in this instance"),
    STANDBY_REPLICAS("standby.replicas", Type.intRange(0, 8), "0", false,
            "warm copies of each store on other instances, for fast failover"),
    PROCESSING_GUARANTEE("processing.guarantee", Type.oneOf("exactly_once_v2", "at_least_once"), "exactly_once_v2", false,
            "exactly_once_v2 commits each decision and its outputs in one transaction"),
    BROKER_DATA_DIR("broker.data.dir", Type.STRING, "data/broker", false,
            "demo only: where the embedded broker keeps its logs; delete it to start afresh"),
    BROKER_PORT("broker.port", Type.intRange(0, 65_535), "9092", false,
            "demo only: port of the embedded broker, if free; another free port otherwise");

    private final String key;
    private final Type type;
    private final String defaultValue;
    private final boolean requiredForRun;
    private final String doc;

    ConfigKey(final String key, final Type type, final String defaultValue, final boolean requiredForRun,
              final String doc) {
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
        this.requiredForRun = requiredForRun;
        this.doc = doc;
    }

    public String key() {
        return key;
    }

    public Type type() {
        return type;
    }

    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    public boolean requiredForRun() {
        return requiredForRun;
    }

    public String doc() {
        return doc;
    }

    /** The environment variable that sets this key: {@code http.port} -> {@code ORCH_HTTP_PORT}. */
    public String environmentVariable() {
        return "ORCH_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    public static Optional<ConfigKey> byKey(final String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }
}
