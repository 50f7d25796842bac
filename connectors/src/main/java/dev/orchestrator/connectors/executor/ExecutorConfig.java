package dev.orchestrator.connectors.executor;

import dev.orchestrator.connectors.jobs.Backoff;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/** The command executor's settings; Connect's own validation names a bad key before a task starts. */
public final class ExecutorConfig extends AbstractConfig {
    public static final String BOOTSTRAP = "orchestrator.bootstrap.servers";
    public static final String TOPIC_PREFIX = dev.orchestrator.connectors.OrchestratorTopics.PREFIX_KEY;
    public static final String REGISTRY_URL = dev.orchestrator.connectors.OrchestratorTopics.REGISTRY_KEY;
    /** Client settings for the executor's producer (security, for instance), after this prefix. */
    public static final String PRODUCER_PREFIX = "orchestrator.producer.";
    public static final String ADAPTER_TYPE = "adapter.type";
    /** Adapter settings, after this prefix: {@code adapter.master.url} is the adapter's {@code master.url}. */
    public static final String ADAPTER_PREFIX = "adapter.";
    public static final String THREADS = "executor.threads";
    public static final String MAX_IN_FLIGHT = "executor.max.in.flight";
    public static final String RETRY_ATTEMPTS = "retry.max.attempts";
    public static final String RETRY_INITIAL = "retry.backoff.initial.ms";
    public static final String RETRY_MAX = "retry.backoff.max.ms";
    public static final String VERIFY_POLL = "verify.poll.ms";
    public static final String VERIFY_TIMEOUT = "verify.timeout.ms";

    public static final ConfigDef DEFINITION = dev.orchestrator.connectors.OrchestratorTopics.define(new ConfigDef())
            .define(BOOTSTRAP, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH,
                    "Brokers of the cluster the orchestrator's topics live on (outcomes, jobs and dead letters are written there).")
            .define(ADAPTER_TYPE, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Provider type of the adapter to drive: kubernetes, skypilot, nosana or simulated.")
            .define(THREADS, Type.INT, 64, Range.between(1, 1024), Importance.MEDIUM,
                    "Jobs run at once per task; each unit's jobs still run one at a time, in order. A job holds its "
                    + "thread while it waits for the provider (mostly asleep), so this bounds the provisions in flight.")
            .define(MAX_IN_FLIGHT, Type.INT, 2_000, Range.between(1, 1_000_000), Importance.LOW,
                    "Jobs accepted and not finished before the task pauses its partitions.")
            .define(RETRY_ATTEMPTS, Type.INT, 5, Range.between(1, 100), Importance.MEDIUM,
                    "Provider calls per job before a transient error becomes a failure.")
            .define(RETRY_INITIAL, Type.LONG, 200L, Range.between(1, 3_600_000), Importance.MEDIUM,
                    "Wait before the first retry; doubles each retry, with jitter.")
            .define(RETRY_MAX, Type.LONG, 30_000L, Range.between(1, 3_600_000), Importance.MEDIUM, "Longest wait between retries.")
            .define(VERIFY_POLL, Type.LONG, 250L, Range.between(1, 600_000), Importance.LOW,
                    "How often a provisioned resource's live state is read until it is ready.")
            .define(VERIFY_TIMEOUT, Type.LONG, 300_000L, Range.between(1, 86_400_000), Importance.MEDIUM,
                    "How long a provisioned resource may take to become ready before the job fails.");

    public ExecutorConfig(final Map<String, String> settings) {
        super(DEFINITION, settings);
        if (getLong(RETRY_MAX) < getLong(RETRY_INITIAL)) {
            throw new org.apache.kafka.common.config.ConfigException(RETRY_MAX, getLong(RETRY_MAX),
                    "must not be less than " + RETRY_INITIAL + " (" + getLong(RETRY_INITIAL) + ")");
        }
    }

    public Backoff backoff() {
        return new Backoff(getLong(RETRY_INITIAL), getLong(RETRY_MAX), getInt(RETRY_ATTEMPTS));
    }

    /** The adapter's own settings, with the prefix removed (the type itself excluded). */
    public Map<String, String> adapterSettings() {
        final Map<String, String> settings = new java.util.TreeMap<>();
        originalsWithPrefix(ADAPTER_PREFIX).forEach((key, value) -> {
            if (!"type".equals(key)) {
                settings.put(key, String.valueOf(value));
            }
        });
        return settings;
    }

    public Map<String, Object> producerSettings() {
        return originalsWithPrefix(PRODUCER_PREFIX);
    }
}
