package dev.orchestrator.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestrator.api.HttpApi;
import dev.orchestrator.api.events.EventFeed;
import dev.orchestrator.api.ingest.KafkaPublisher;
import dev.orchestrator.api.jobs.JobBoard;
import dev.orchestrator.api.jobs.JobFeed;
import dev.orchestrator.api.jobs.JobRoutes;
import dev.orchestrator.api.ingest.WriteRoutes;
import dev.orchestrator.api.query.QueryRoutes;
import dev.orchestrator.api.query.StateAccess;
import dev.orchestrator.api.health.StreamsReadiness;
import dev.orchestrator.app.config.ConfigKey;
import dev.orchestrator.app.kafka.KafkaPreflight;
import dev.orchestrator.app.config.OrchestratorConfig;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.schemas.evolution.KnownSchemas;
import dev.orchestrator.schemas.serde.HttpSchemaRegistry;
import dev.orchestrator.schemas.serde.InProcessSchemaRegistry;
import dev.orchestrator.schemas.serde.SchemaRegistry;
import dev.orchestrator.api.payments.PaymentRoutes;
import dev.orchestrator.topology.DecisionTopology;
import dev.orchestrator.topology.money.PaymentTerms;
import dev.orchestrator.topology.payments.PaymentSettings;
import dev.orchestrator.topology.pricing.PriceCurve;
import dev.orchestrator.topology.EngineSettings;
import dev.orchestrator.topology.optimize.OptimizerSettings;
import dev.orchestrator.topology.schedule.SchedulingSettings;
import dev.orchestrator.topology.normalize.Normalizer;
import dev.orchestrator.topology.state.BoundedRocksDbMemory;
import dev.orchestrator.topology.read.EngineReads;
import dev.orchestrator.topology.task.LocalTasks;
import java.time.Clock;
import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One orchestrator instance: its topics, the Kafka Streams engine and the HTTP API, started and stopped together. */
final class Instance implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Instance.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /** How long an HTTP write waits for the broker before answering 503. */
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(5);
    private static final int EVENT_BUFFER = 10_000;
    /** Open jobs (not completed) the job board keeps; the newest trouble wins beyond it. */
    private static final int OPEN_JOBS = 100_000;
    private static final int EVENT_BACKFILL = 50;
    private static final int MAX_EVENT_CLIENTS = 64;

    private final Topics topics;
    private final KafkaStreams streams;
    private final Javalin http;
    private final List<String> createdTopics;
    private final KafkaStreamsMetrics streamsMetrics;
    /** The escrow ledger's own Streams application; null when payments are off. */
    private final KafkaStreams ledger;
    /** The HTTP API's own Kafka clients (ingest producer, event feed), closed after the server stops. */
    private final List<AutoCloseable> httpParts;
    private Instance(final Topics topics, final KafkaStreams streams, final KafkaStreams ledger, final Javalin http,
                     final List<String> createdTopics, final KafkaStreamsMetrics streamsMetrics,
                     final List<AutoCloseable> httpParts) {
        this.ledger = ledger;
        this.httpParts = httpParts;
        this.streamsMetrics = streamsMetrics;
        this.topics = topics;
        this.streams = streams;
        this.http = http;
        this.createdTopics = createdTopics;
    }

    static Instance start(final OrchestratorConfig config) {
        // the HTTP settings (token file, keystore) are checked before Kafka is asked anything: a bad one fails at once
        final HttpServing serving = HttpServing.of(config);
        try {
            KafkaPreflight.check(config.string(ConfigKey.BOOTSTRAP_SERVERS), config.kafkaClient());
        } catch (final RuntimeException e) {
            serving.reloader().ifPresent(TokenFileReloader::close);
            throw e;
        }
        final Topics topics = Topics.create(config.string(ConfigKey.TOPIC_PREFIX), registry(config));
        List<String> created = List.of();
        final int partitions;
        try (Admin admin = Admin.create(adminConfig(config))) {
            if (config.bool(ConfigKey.TOPIC_CREATE)) {
                created = TopicProvisioner.ensure(admin, topics, config.integer(ConfigKey.TOPIC_PARTITIONS),
                        config.integer(ConfigKey.TOPIC_REPLICATION_FACTOR));
            }
            partitions = TopicProvisioner.copartitioned(admin, topics);
        } catch (final RuntimeException e) {
            serving.reloader().ifPresent(TokenFileReloader::close);
            throw e;
        }
        // other instances forward queries to application.server, so the port must be known before Streams starts
        final int port = config.integer(ConfigKey.HTTP_PORT) == 0 ? LocalPorts.free() : config.integer(ConfigKey.HTTP_PORT);
        final HostInfo advertised = new HostInfo(advertisedHost(config), port);
        final Properties streamsConfig = streamsConfig(config, topics);
        streamsConfig.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertised.host() + ":" + advertised.port());
        final LocalTasks localTasks = new LocalTasks();
        final EngineSettings settings = engineSettings(config).withPartitions(partitions);
        // the escrow ledger is one task: in a Streams application of its own it has a thread to itself, instead of
        // one turn in seven on the engine's (measured: it fell behind at 2,000-5,000 inputs/s sharing it)
        final KafkaStreams streams = new KafkaStreams(DecisionTopology.build(topics, settings, streamsConfig, localTasks,
                false), streamsConfig);
        final KafkaStreams ledger = settings.payments().enabled() ? ledgerStreams(topics, settings, streamsConfig) : null;
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("engine stopped by an unexpected error: {}", e.toString());
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        final KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(metrics);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        final StateAccess state = new StateAccess(streams, advertised);
        final EngineReads reads = new EngineReads(localTasks, partitions);
        streams.setStateListener((now, before) -> {
            state.forget();
            LOG.info("engine state {} -> {}", before, now);
        });
        final Map<String, Object> clients = clientConfig(config);
        final KafkaPublisher publisher = new KafkaPublisher(clients, PUBLISH_TIMEOUT);
        final EventFeed feed = new EventFeed(clients, topics, EVENT_BUFFER, EVENT_BACKFILL);
        final JobBoard jobs = new JobBoard(OPEN_JOBS);
        final JobFeed jobFeed = new JobFeed(clients, topics, jobs).start();
        final QueryRoutes queries = new QueryRoutes(reads, state, serving.peers(), new ObjectMapper());
        final WriteRoutes writes = new WriteRoutes(topics, publisher, new Normalizer(settings.regions(), settings.currency()),
                settings.regions(), queries::unitAnywhere, Clock.systemUTC(),
                // bodies being received hold a thread each: keep half the threads for reads and probes
                new WriteRoutes.BodyLimits(config.integer(ConfigKey.HTTP_THREADS) / 2, WriteRoutes.BODY_DEADLINE));
        final HttpApi.Builder api = HttpApi.builder(new StreamsReadiness(streams)).queries(queries).writes(writes)
                .stacks(new dev.orchestrator.api.stacks.StackRoutes(topics, publisher, writes, state, serving.peers(),
                        new ObjectMapper(), Clock.systemUTC()));
        final PaymentRoutes payments = ledger != null ? new PaymentRoutes(topics, publisher, writes,
                new StateAccess(ledger, advertised),
                serving.peers(), new ObjectMapper(), settings.payments().currency(), Clock.systemUTC()).startHistory() : null;
        if (payments != null) {
            api.payments(payments);
            // the ledger's totals as the last sample saw them (every 5 s), in the currency's units
            io.micrometer.core.instrument.Gauge.builder("orchestrator_payments_escrow_held", payments,
                    p -> p.latest().locked() / 1e6).description("money held in escrow now").register(metrics);
            io.micrometer.core.instrument.Gauge.builder("orchestrator_payments_released", payments,
                    p -> p.latest().released() / 1e6).description("money released to providers so far").register(metrics);
            io.micrometer.core.instrument.Gauge.builder("orchestrator_payments_slashed", payments,
                    p -> p.latest().slashed() / 1e6).description("money slashed from stakes so far, net of reversals")
                    .register(metrics);
            io.micrometer.core.instrument.Gauge.builder("orchestrator_payments_drifts", payments,
                    p -> p.latest().drifts()).description("drifts settlement's reconciliation reported").register(metrics);
        }
        final Javalin http = serving.apply(api
                        .jobs(new JobRoutes(jobs, publisher, topics))
                        .events(feed, MAX_EVENT_CLIENTS)
                        .metrics(metrics).threads(config.integer(ConfigKey.HTTP_THREADS)).dashboard()).build()
                .start(config.string(ConfigKey.HTTP_HOST), port);
        LOG.info("HTTP API on {}://{}:{} ({})", serving.scheme(), config.string(ConfigKey.HTTP_HOST), http.port(),
                serving.describe());
        streams.start();
        LOG.info("engine starting: {} tasks (partitions), application.id={}", partitions, config.string(ConfigKey.APPLICATION_ID));
        if (ledger != null) {
            ledger.start();
        }
        final List<AutoCloseable> parts = new java.util.ArrayList<>(List.of(feed, jobFeed, publisher,
                new StrandedGauges(reads, localTasks, metrics), new QueueGauges(reads, metrics)));
        if (payments != null) {
            parts.add(payments);
        }
        serving.reloader().ifPresent(parts::add);
        return new Instance(topics, streams, ledger, http, created, streamsMetrics, List.copyOf(parts));
    }

    Topics topics() {
        return topics;
    }

    /** The engine's state: RUNNING while it decides. */
    KafkaStreams.State state() {
        return streams.state();
    }

    int httpPort() {
        return http.port();
    }

    List<String> createdTopics() {
        return createdTopics;
    }

    /** Which instance ({@code host:port}) runs the task that owns {@code key} (a unit, a demand): for tests of query forwarding. */
    String ownerOf(final String key) {
        final var metadata = streams.queryMetadataForKey(dev.orchestrator.topology.StoreNames.DEMANDS, key,
                org.apache.kafka.common.serialization.Serdes.String().serializer());
        return metadata.activeHost().host() + ":" + metadata.activeHost().port();
    }

    /** Stops without leaving the group, as a killed process would: the others wait out the session timeout. */
    void crash() {
        streamsMetrics.close();
        http.stop();
        closeHttpParts();
        if (ledger != null) {
            ledger.close(CloseOptions.timeout(Duration.ZERO)
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
        }
        streams.close(CloseOptions.timeout(CLOSE_TIMEOUT).withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
        if (ledger != null) {
            ledger.close(CloseOptions.timeout(CLOSE_TIMEOUT)
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
        }
    }

    @Override
    public void close() {
        streamsMetrics.close();
        http.stop();
        closeHttpParts();
        // the ledger starts stopping at once, alongside the engine, rather than after it
        if (ledger != null) {
            ledger.close(CloseOptions.timeout(Duration.ZERO)
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        }
        // leave the group: a deliberate stop should hand partitions over now, not after the session timeout
        streams.close(CloseOptions.timeout(CLOSE_TIMEOUT)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        if (ledger != null) {
            ledger.close(CloseOptions.timeout(CLOSE_TIMEOUT)
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        }
        LOG.info("engine closed");
    }

    private void closeHttpParts() {
        for (final AutoCloseable part : httpParts) {
            try {
                part.close();
            } catch (final Exception e) {
                LOG.warn("closing {} failed: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }

    /** Bootstrap servers and the user's {@code kafka.*} settings, for the API's own clients. */
    private static Map<String, Object> clientConfig(final OrchestratorConfig config) {
        final Map<String, Object> props = new HashMap<>(config.kafkaClient());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.string(ConfigKey.BOOTSTRAP_SERVERS));
        return props;
    }

    static EngineSettings engineSettings(final OrchestratorConfig config) {
        final Map<String, BigDecimal> rates = new HashMap<>();
        for (final String pair : config.string(ConfigKey.CURRENCY_RATES).split(",")) {
            if (!pair.isEmpty()) {
                rates.put(pair.substring(0, pair.indexOf(':')), new BigDecimal(pair.substring(pair.indexOf(':') + 1)));
            }
        }
        final Map<String, String> aliases = new HashMap<>();
        for (final String pair : config.string(ConfigKey.REGION_ALIASES).split(",")) {
            if (!pair.isEmpty()) {
                aliases.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
        }
        final EngineSettings defaults = EngineSettings.defaults();
        return new EngineSettings(config.integer(ConfigKey.CONFIRM_WITHIN_MS), config.integer(ConfigKey.HEARTBEAT_LIMIT_MS),
                config.integer(ConfigKey.MAX_ATTEMPTS), config.integer(ConfigKey.CANDIDATES_PER_REGION),
                defaults.scanIntervalMillis(), config.integer(ConfigKey.MIGRATIONS_PER_PROVIDER),
                defaults.metricsIntervalMillis(), config.string(ConfigKey.CURRENCY_BASE), rates, aliases, defaults.partitions(),
                config.integer(ConfigKey.SPILL_MARGIN_PERCENT) / 100.0, defaults.summaryIntervalMillis(),
                paymentSettings(config), pricing(config), optimizer(config), scheduling(config));
    }

    /** Preemption, its disruption budgets, the gangs' timeout and the batch window as configured. */
    static SchedulingSettings scheduling(final OrchestratorConfig config) {
        return new SchedulingSettings(config.bool(ConfigKey.PREEMPTION_ENABLED), config.integer(ConfigKey.PREEMPTION_PRIORITY_GAP),
                config.integer(ConfigKey.PREEMPTION_BUDGET_PERCENT), config.integer(ConfigKey.PREEMPTION_WINDOW_MS),
                config.integer(ConfigKey.PREEMPTION_REQUEUE_WAIT_MS), config.integer(ConfigKey.GANG_TIMEOUT_MS),
                config.integer(ConfigKey.BATCH_WINDOW_MS));
    }

    /** The background optimizer as configured (off unless {@code engine.optimizer.enabled}). */
    static OptimizerSettings optimizer(final OrchestratorConfig config) {
        return new OptimizerSettings(config.bool(ConfigKey.OPTIMIZER_ENABLED), config.integer(ConfigKey.OPTIMIZER_INTERVAL_MS),
                config.integer(ConfigKey.OPTIMIZER_MIN_GAIN_PERCENT) / 100.0, config.integer(ConfigKey.OPTIMIZER_MOVES_PER_ROUND),
                config.integer(ConfigKey.OPTIMIZER_DISRUPTION_PERCENT), config.integer(ConfigKey.OPTIMIZER_DISRUPTION_WINDOW_MS));
    }

    /** The price curve as configured; {@code flat} keeps list prices. */
    static PriceCurve pricing(final OrchestratorConfig config) {
        if ("flat".equals(config.string(ConfigKey.PRICING_CURVE))) {
            return null;
        }
        return new PriceCurve(config.integer(ConfigKey.PRICING_TARGET_UTILIZATION_BP), config.integer(ConfigKey.PRICING_IDLE_DISCOUNT_BP),
                config.integer(ConfigKey.PRICING_SURGE_BP), config.integer(ConfigKey.PRICING_RELIABILITY_WEIGHT_BP));
    }

    /**
     * The escrow ledger as a Streams application of its own: the engine's settings, its own application id
     * ({@code <application.id>-payments}, so its own consumer group) and one stream thread.
     */
    private static KafkaStreams ledgerStreams(final Topics topics, final EngineSettings settings, final Properties engine) {
        final Properties config = new Properties();
        config.putAll(engine);
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, engine.getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + "-payments");
        config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        final String instance = StreamsConfig.MAIN_CONSUMER_PREFIX + org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_INSTANCE_ID_CONFIG;
        if (config.get(instance) != null) {
            config.put(instance, config.get(instance) + "-payments");
        }
        final KafkaStreams ledger = new KafkaStreams(dev.orchestrator.topology.payments.PaymentsTopology.build(topics,
                settings.payments(), config), config);
        ledger.setUncaughtExceptionHandler(e -> {
            LOG.error("escrow ledger stopped by an unexpected error: {}", e.toString());
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        ledger.setStateListener((now, before) -> LOG.info("escrow ledger state {} -> {}", before, now));
        return ledger;
    }

    /** Payments as configured, in the engine's base currency. */
    static PaymentSettings paymentSettings(final OrchestratorConfig config) {
        final String currency = config.string(ConfigKey.CURRENCY_BASE);
        if (!config.bool(ConfigKey.PAYMENTS_ENABLED)) {
            return PaymentSettings.off(currency);
        }
        return PaymentSettings.on(new PaymentTerms(config.integer(ConfigKey.PAYMENTS_PERIOD_MS),
                config.integer(ConfigKey.PAYMENTS_FEE_BP), config.integer(ConfigKey.PAYMENTS_INELIGIBLE_AFTER),
                config.integer(ConfigKey.PAYMENTS_BREACH_WINDOW_MS)), currency);
    }

    static SchemaRegistry registry(final OrchestratorConfig config) {
        if (config.schemaRegistryUrl().isPresent()) {
            return new HttpSchemaRegistry(config.schemaRegistryUrl().get(), Duration.ofSeconds(10));
        }
        final InProcessSchemaRegistry registry = InProcessSchemaRegistry.journaled(
                config.path(ConfigKey.STATE_DIR).resolve("schemas.jsonl"));
        KnownSchemas.all().forEach(registry::preload);
        return registry;
    }

    private static Map<String, Object> adminConfig(final OrchestratorConfig config) {
        final Map<String, Object> props = clientConfig(config);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return props;
    }

    /** Where other instances reach this one: the configured host, else the bind address unless it binds all. */
    static String advertisedHost(final OrchestratorConfig config) {
        final String advertised = config.string(ConfigKey.HTTP_ADVERTISED_HOST);
        if (!advertised.isEmpty()) {
            return advertised;
        }
        final String bind = config.string(ConfigKey.HTTP_HOST);
        return bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
    }

    static Properties streamsConfig(final OrchestratorConfig config, final Topics topics) {
        final Properties props = new Properties();
        props.putAll(config.kafkaClient());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.string(ConfigKey.APPLICATION_ID));
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.string(ConfigKey.BOOTSTRAP_SERVERS));
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.path(ConfigKey.STATE_DIR).resolve("streams").toAbsolutePath().toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.string(ConfigKey.PROCESSING_GUARANTEE));
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.integer(ConfigKey.STREAMS_THREADS));
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.integer(ConfigKey.STANDBY_REPLICAS));
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.integer(ConfigKey.TOPIC_REPLICATION_FACTOR));
        // lz4 cut the bytes a placement appends ninefold in the settings runs (BENCHMARKS.md); the operator's own choice wins
        if (!props.containsKey(ProducerConfig.COMPRESSION_TYPE_CONFIG)) {
            props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        }
        // a decision is visible when its transaction commits: 50 ms halved the open-loop p50 at 8,000
        // demands/s (97 -> 58 ms, p99 296 -> 202 ms) for no measurable CPU (BENCHMARKS.md)
        props.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50);
        final long rocksDbMegabytes = config.integer(ConfigKey.ROCKSDB_MEMORY_MB);
        // a setter of the operator's own (kafka.rocksdb.config.setter) wins
        if (rocksDbMegabytes > 0 && !props.containsKey(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)) {
            props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
            props.put(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, rocksDbMegabytes << 20);
        }
        props.putAll(DecisionTopology.requiredConfig(topics));
        return props;
    }
}
