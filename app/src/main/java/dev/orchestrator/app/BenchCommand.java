package dev.orchestrator.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.orchestrator.app.bench.BenchProfile;
import dev.orchestrator.app.bench.BenchReport;
import dev.orchestrator.app.bench.BenchResult;
import dev.orchestrator.app.bench.BenchRunner;
import dev.orchestrator.app.bench.execution.ExecutionBench;
import dev.orchestrator.app.bench.query.QueryLoad;
import dev.orchestrator.app.bench.query.QueryPhases;
import dev.orchestrator.app.bench.query.QueryReport;
import dev.orchestrator.app.bench.quality.QualityInstance;
import dev.orchestrator.app.bench.quality.QualityResult;
import dev.orchestrator.app.bench.quality.QualityRun;
import dev.orchestrator.app.broker.EmbeddedKafkaBroker;
import dev.orchestrator.app.config.ConfigException;
import dev.orchestrator.app.config.ConfigKey;
import dev.orchestrator.app.config.ConfigLoader;
import dev.orchestrator.app.config.OrchestratorConfig;
import dev.orchestrator.app.demo.SimulatedExecutor;
import dev.orchestrator.schemas.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Measures the engine under a profile of load, against its pass-through ceiling, then verifies it. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Run a benchmark profile on an embedded broker (default) or --bootstrap: register a fleet, send "
                + "demand open-loop with telemetry flowing, and report placements per second, latency percentiles from "
                + "each demand's intended send time, the pass-through baseline and the ratio, CPU and heap; then run "
                + "verify. Exits 1 when verify finds a violation.",
                "Profiles: steady (10,000 units, 1,000,000 demands), contention (80%% of demand on one region), "
                        + "migration-storm (10%% of units to maintenance halfway), query (demands at 600/s, GETs at "
                        + "--query-rate during the middle of three windows; query p50/p99, and decisions per second and "
                        + "their latency with and without the queries), quality (200 units, 2,000 demands "
                        + "replayed in arrival order; cost compared with first-fit-decreasing and the Timefold solver), "
                        + "execution (50,000 commands straight to the Kafka Connect executor with the simulated adapter; "
                        + "commands per second and command-to-outcome latency), preemption (300 units, 60,000 demands at "
                        + "priorities 0, 5 and 10 with wait limits on a fleet they fill; preemptions, waits by priority)."})
final class BenchCommand implements Callable<Integer> {
    /** Demands per second the query profile offers unless --rate says otherwise. */
    static final double QUERY_PROFILE_RATE = 600;
    /** Executor tasks in the execution profile: one per core of the machine the numbers are quoted for. */
    private static final int EXECUTION_TASKS = 2;

    @Option(names = "--profile", defaultValue = "steady", description = "steady, contention, migration-storm, query, quality, execution or preemption "
            + "(default: ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "N",
            description = "demands per second, open-loop; 0 sends as fast as the producer can (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--demands", paramLabel = "N", description = "override the profile's number of demands")
    Long demands;

    @Option(names = "--units", paramLabel = "N", description = "override the profile's number of units")
    Integer units;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "an existing cluster instead of an embedded broker")
    String bootstrap;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON")
    Path json;

    @Option(names = "--family", defaultValue = "easy", paramLabel = "NAME",
            description = "quality profile: the instance family, easy, oversubscribed or fixed-cost (default: ${DEFAULT-VALUE})")
    String family;

    @Option(names = "--weight", paramLabel = "SCORER=W", description = "quality profile: a scorer's weight over the "
            + "profile's price-only policy, e.g. alignment=1 or best-fit=1; repeat for more")
    Map<String, Double> weights = new java.util.LinkedHashMap<>();

    @Option(names = "--optimizer", paramLabel = "SECONDS", description = "quality profile: then run the background "
            + "optimizer, planning every SECONDS, until it settles, and send unplaced demand again (up to 3 passes)")
    Integer optimizerSeconds;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "30", description = "preemption profile: how long a "
            + "priority-0 demand may wait for capacity; priority 5 waits twice that, priority 10 not at all "
            + "(default: ${DEFAULT-VALUE})")
    int waitSeconds;

    @Option(names = "--churn", paramLabel = "PERCENT", defaultValue = "0", description = "quality profile: after the "
            + "stream, release PERCENT of the placed demands, then send unplaced demand again (with --optimizer, once it has "
            + "settled); the plans are compared on what is left (default: ${DEFAULT-VALUE})")
    int churnPercent;

    @Option(names = "--solver-seconds", defaultValue = "30", paramLabel = "N",
            description = "quality profile: time limit of the offline solver (default: ${DEFAULT-VALUE})")
    int solverSeconds;

    @Option(names = "--query-rate", defaultValue = "2000", paramLabel = "N",
            description = "query profile: GETs per second against the read API (default: ${DEFAULT-VALUE})")
    double queryRate;

    @Option(names = "--phase-seconds", defaultValue = "30", paramLabel = "N",
            description = "query profile: length of each window (without, with, without queries) (default: ${DEFAULT-VALUE})")
    int phaseSeconds;

    @Option(names = "--warm-up", defaultValue = "0", paramLabel = "SECONDS",
            description = "leave demands sent in the first SECONDS out of the latency percentiles; query profile: how long "
                    + "decisions flow before its first window (default: ${DEFAULT-VALUE}; 15 for the query profile)")
    int warmUpSeconds;

    /** How long the query profile lets decisions flow before its first window. */
    private long queryWarmUp() {
        return warmUpSeconds > 0 ? warmUpSeconds : QueryPhases.DEFAULT_WARM_UP_SECONDS;
    }

    @Option(names = "--payments", description = "charge placements through the escrow ledger (60 s settlement periods; "
            + "every consumer deposits first), to measure what payments cost")
    boolean payments;

    @Option(names = "--instances", defaultValue = "0", paramLabel = "N",
            description = "run the engine as N instances in JVMs of their own (orchestrator run) instead of in this one; "
                    + "steady, contention and migration-storm only (default: ${DEFAULT-VALUE}, in this JVM)")
    int instances;

    @Option(names = "--instance-heap", defaultValue = "512m", paramLabel = "SIZE",
            description = "with --instances: -Xmx of each engine JVM (default: ${DEFAULT-VALUE})")
    String instanceHeap;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Override
    public Integer call() throws Exception {
        BenchProfile chosen;
        try {
            chosen = BenchProfile.named(profile);
        } catch (final IllegalArgumentException e) {
            throw new ConfigException("--profile: " + e.getMessage());
        }
        if (demands != null) {
            if (demands < 1 || demands > 100_000_000) {
                throw new ConfigException("--demands=" + demands + ": expected 1 to 100000000");
            }
            chosen = chosen.withDemands(demands);
        }
        if (waitSeconds < 0 || waitSeconds > 302_400) {
            throw new ConfigException("--wait=" + waitSeconds + ": expected 0 to 302400 seconds (twice that is at most a week)");
        }
        if (units != null) {
            if (units < 1 || units > 1_000_000) {
                throw new ConfigException("--units=" + units + ": expected 1 to 1000000");
            }
            chosen = chosen.withUnits(units);
        }
        if (chosen.name().equals("quality") && chosen.demands() > 20_000) {
            throw new ConfigException("--demands=" + chosen.demands() + ": the quality profile takes up to 20000");
        }
        try {
            dev.orchestrator.app.bench.quality.QualityFamily.named(family);
        } catch (final IllegalArgumentException e) {
            throw new ConfigException("--family=" + family + ": " + e.getMessage());
        }
        for (final Map.Entry<String, Double> weight : weights.entrySet()) {
            if (!dev.orchestrator.topology.scoring.Scorers.DEFAULT_WEIGHTS.containsKey(weight.getKey())
                    || !(weight.getValue() >= 0 && weight.getValue() <= 1000)) {
                throw new ConfigException("--weight " + weight.getKey() + "=" + weight.getValue() + ": a scorer of "
                        + new java.util.TreeSet<>(dev.orchestrator.topology.scoring.Scorers.DEFAULT_WEIGHTS.keySet())
                        + " weighing 0 to 1000");
            }
        }
        if (optimizerSeconds != null && (optimizerSeconds < 1 || optimizerSeconds > 600)) {
            throw new ConfigException("--optimizer=" + optimizerSeconds + ": expected 1 to 600 seconds");
        }
        if (churnPercent < 0 || churnPercent > 90) {
            throw new ConfigException("--churn=" + churnPercent + ": expected 0 to 90 percent");
        }
        if (solverSeconds < 1 || solverSeconds > 3_600) {
            throw new ConfigException("--solver-seconds=" + solverSeconds + ": expected 1 to 3600");
        }
        if (!(queryRate >= 1 && queryRate <= 100_000)) {
            throw new ConfigException("--query-rate=" + queryRate + ": expected 1 to 100000 requests per second");
        }
        if (phaseSeconds < 5 || phaseSeconds > 3_600) {
            throw new ConfigException("--phase-seconds=" + phaseSeconds + ": expected 5 to 3600");
        }
        if (warmUpSeconds < 0 || warmUpSeconds > 3_600) {
            throw new ConfigException("--warm-up=" + warmUpSeconds + ": expected 0 to 3600 seconds");
        }
        if (!(rate >= 0 && rate <= 10_000_000)) {
            throw new ConfigException("--rate=" + rate + ": expected 0 (as fast as possible) to 10000000");
        }
        if (instances < 0 || instances > 32) {
            throw new ConfigException("--instances=" + instances + ": expected 0 (the engine in this JVM) to 32");
        }
        if (instances > 0 && !java.util.Set.of("steady", "contention", "migration-storm").contains(chosen.name())) {
            throw new ConfigException("--instances: the " + chosen.name() + " profile runs its engine in this JVM");
        }
        if (!instanceHeap.matches("[1-9][0-9]{0,5}[mMgG]")) {
            throw new ConfigException("--instance-heap=" + instanceHeap + ": expected a size such as 512m or 2g");
        }
        if (chosen.name().equals("query")) {
            // at full speed decisions arrive in bursts seconds apart, so windows could not be compared:
            // the query profile offers a steady rate the engine sustains, long enough for three windows
            if (rate == 0) {
                rate = QUERY_PROFILE_RATE;
            }
            if (demands == null) {
                chosen = chosen.withDemands((long) (rate * (3L * phaseSeconds + queryWarmUp() + 30)));
            }
        }
        final String run = "bench-" + System.currentTimeMillis();
        final Path dir = Path.of("data", "bench", run);
        final Map<String, String> defaults = new java.util.LinkedHashMap<>();
        defaults.put(ConfigKey.STATE_DIR.key(), dir.resolve("state").toString());
        defaults.put(ConfigKey.BROKER_DATA_DIR.key(), dir.resolve("broker").toString());
        defaults.put(ConfigKey.APPLICATION_ID.key(), run);
        defaults.put(ConfigKey.HTTP_PORT.key(), "0");
        defaults.put(ConfigKey.TOPIC_PREFIX.key(), bootstrap == null ? "" : run + ".");
        // no executor confirms in steady and contention: reservations must outlive the run
        defaults.put(ConfigKey.CONFIRM_WITHIN_MS.key(), "86400000");
        // the quality profile probes each unit once: its units must stay healthy however long the optimizer runs
        defaults.put(ConfigKey.HEARTBEAT_LIMIT_MS.key(), chosen.name().equals("quality") ? "86400000" : "60000");
        // list prices, so the quality profile's solver prices what the engine prices
        defaults.put(ConfigKey.PRICING_CURVE.key(), "flat");
        defaults.put(ConfigKey.PAYMENTS_ENABLED.key(), String.valueOf(payments));
        defaults.put(ConfigKey.PAYMENTS_PERIOD_MS.key(), "60000");
        defaults.put(ConfigKey.OPTIMIZER_ENABLED.key(), String.valueOf(optimizerSeconds != null));
        defaults.put(ConfigKey.OPTIMIZER_INTERVAL_MS.key(), String.valueOf(1_000L * (optimizerSeconds == null ? 10 : optimizerSeconds)));
        final OrchestratorConfig settings = options.load(ConfigLoader.Mode.DEMO, defaults);
        System.out.printf("bench %s: %,d units, %,d demands, rate %s, %s%s%n", chosen.name(), chosen.units(), chosen.demands(),
                rate == 0 ? "as fast as possible" : String.format("%,.0f/s", rate), settings.string(ConfigKey.PROCESSING_GUARANTEE),
                payments ? ", payments on" : "");
        EmbeddedKafkaBroker broker = null;
        try {
            String servers = bootstrap;
            // an engine in this JVM checks the credentials itself when it starts (Instance.start)
            if (servers != null && (instances > 0 || chosen.name().equals("execution"))) {
                dev.orchestrator.app.kafka.KafkaPreflight.check(servers, settings.kafkaClient());
            }
            if (servers == null) {
                broker = EmbeddedKafkaBroker.start(dir.resolve("broker"), 0);
                servers = broker.bootstrapServers();
            }
            final OrchestratorConfig config = settings.with(ConfigKey.BOOTSTRAP_SERVERS, servers);
            if (chosen.name().equals("quality")) {
                return quality(chosen, config);
            }
            if (chosen.name().equals("execution")) {
                return execution(chosen, config, dir);
            }
            if (instances > 0) {
                return separate(chosen, config, dir, run);
            }
            final BenchResult result;
            QueryPhases phases = null;
            try (Instance engine = Instance.start(config)) {
                SimulatedExecutor executor = null;
                if (chosen.maintenanceShare() > 0) {
                    executor = new SimulatedExecutor(servers, engine.topics());
                    executor.start();
                }
                final BenchRunner runner = new BenchRunner(chosen, servers, engine.topics(), run, System.out)
                        .withWarmUp(warmUpSeconds).withClientSettings(config.kafkaClient()).withDeposits(payments)
                        .withWaitSeconds(waitSeconds);
                QueryLoad queries = null;
                if (chosen.name().equals("query")) {
                    queries = new QueryLoad("http://127.0.0.1:" + engine.httpPort(), queryRate, chosen.units(), chosen.regions());
                    phases = new QueryPhases(queries, phaseSeconds, queryWarmUp(), System.out);
                    runner.withQueries(phases);
                }
                try {
                    result = runner.run(rate, config.string(ConfigKey.PROCESSING_GUARANTEE), dir.resolve("baseline").toString());
                } finally {
                    if (queries != null) {
                        queries.close();
                    }
                    if (executor != null) {
                        executor.close();
                    }
                }
            }
            BenchReport.print(result, System.out);
            if (phases != null) {
                final QueryReport report = QueryReport.of(phases);
                report.print(System.out);
                writeJson(Map.of("placements", result, "queries", report));
                return result.verified() && report.complete() ? 0 : 1;
            }
            writeJson(result);
            return result.verified() ? 0 : 1;
        } finally {
            if (broker != null) {
                broker.close();
                deleteQuietly(dir);
            }
        }
    }

    /** The run with the engine in {@code instances} JVMs of its own; topics are created first, so they do not race. */
    private int separate(final BenchProfile chosen, final OrchestratorConfig config, final Path dir, final String run)
            throws Exception {
        final String servers = config.string(ConfigKey.BOOTSTRAP_SERVERS);
        final Topics topics = Topics.create(config.string(ConfigKey.TOPIC_PREFIX), Instance.registry(config));
        final Map<String, Object> admins = new java.util.HashMap<>(config.kafkaClient());
        admins.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        try (Admin admin = Admin.create(admins)) {
            TopicProvisioner.ensure(admin, topics, config.integer(ConfigKey.TOPIC_PARTITIONS),
                    config.integer(ConfigKey.TOPIC_REPLICATION_FACTOR));
        }
        final Map<String, String> engineSettings = new java.util.LinkedHashMap<>(options.settings);
        for (final ConfigKey key : java.util.List.of(ConfigKey.APPLICATION_ID, ConfigKey.TOPIC_PREFIX,
                ConfigKey.CONFIRM_WITHIN_MS, ConfigKey.HEARTBEAT_LIMIT_MS, ConfigKey.TOPIC_PARTITIONS,
                ConfigKey.TOPIC_REPLICATION_FACTOR)) {
            engineSettings.put(key.key(), config.string(key));
        }
        final BenchResult result;
        try (dev.orchestrator.app.bench.SeparateEngines engines = dev.orchestrator.app.bench.SeparateEngines.start(
                instances, servers, engineSettings, instanceHeap, dir.resolve("engines"), System.out)) {
            SimulatedExecutor executor = null;
            if (chosen.maintenanceShare() > 0) {
                executor = new SimulatedExecutor(servers, topics);
                executor.start();
            }
            try {
                result = new BenchRunner(chosen, servers, topics, run, System.out).withWarmUp(warmUpSeconds)
                        .withSeparateEngines(instances).withClientSettings(config.kafkaClient()).withWaitSeconds(waitSeconds)
                        .run(rate, config.string(ConfigKey.PROCESSING_GUARANTEE), dir.resolve("baseline").toString());
            } finally {
                if (executor != null) {
                    executor.close();
                }
            }
        }
        BenchReport.print(result, System.out);
        writeJson(result);
        return result.verified() ? 0 : 1;
    }

    private int quality(final BenchProfile chosen, final OrchestratorConfig config) throws Exception {
        final QualityResult result;
        try (Instance engine = Instance.start(config)) {
            final QualityInstance instance = dev.orchestrator.app.bench.quality.QualityFamily.named(family)
                    .generate(7, chosen.units(), Math.toIntExact(chosen.demands()), chosen.regions());
            result = new QualityRun(instance, config.string(ConfigKey.BOOTSTRAP_SERVERS), engine.topics(), System.out)
                    .forApplication(config.string(ConfigKey.APPLICATION_ID)).withWeights(weights)
                    .withOptimizer(optimizerSeconds == null ? null : Duration.ofSeconds(optimizerSeconds)).withChurn(churnPercent)
                    .run(Duration.ofSeconds(solverSeconds));
        }
        result.print(System.out);
        writeJson(result);
        return result.verified() ? 0 : 1;
    }

    private int execution(final BenchProfile chosen, final OrchestratorConfig config, final Path dir) throws Exception {
        final String servers = config.string(ConfigKey.BOOTSTRAP_SERVERS);
        final Topics topics = Topics.create(config.string(ConfigKey.TOPIC_PREFIX), Instance.registry(config));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
            TopicProvisioner.ensure(admin, topics, config.integer(ConfigKey.TOPIC_PARTITIONS),
                    config.integer(ConfigKey.TOPIC_REPLICATION_FACTOR));
        }
        final ExecutionBench.Result result = new ExecutionBench(servers, topics, System.out)
                .run(dir.resolve("connect.offsets"), chosen.units(), chosen.demands(), EXECUTION_TASKS);
        result.print(System.out);
        writeJson(result);
        return result.failed() == 0 ? 0 : 1;
    }

    private void writeJson(final Object result) throws IOException {
        if (json != null) {
            Files.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
            System.out.println("wrote " + json);
        }
    }

    private static void deleteQuietly(final Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (final IOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }
}
