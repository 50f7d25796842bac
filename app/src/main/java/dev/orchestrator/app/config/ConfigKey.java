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
    HTTP_ADVERTISED_HOST("http.advertised.host", Type.STRING, "", false,
            "host other instances reach this one's HTTP API on; empty: http.host, or 127.0.0.1 when that is 0.0.0.0"),
    HTTP_THREADS("http.threads", Type.intRange(8, 1_000), "16", false,
            "request threads of the HTTP API; more serve more clients at once but take CPU from the engine"),
    HTTP_TOKEN("http.token", Type.STRING, "", false,
            "bearer token for writes and /metrics (and reads with http.token.reads); empty: no check"),
    HTTP_TOKENS_FILE("http.tokens.file", Type.STRING, "", false,
            "file of per-identity tokens, one '<operator|consumer|provider> <id> <token>' a line: a consumer's token writes "
                    + "only that consumer's demands, a provider's only its own units; http.token stays an operator token"),
    HTTP_TOKENS_RELOAD_MS("http.tokens.reload.ms", Type.intRange(0, 3_600_000), "2000", false,
            "how often http.tokens.file is checked for changes, which apply without a restart; 0: read once at start"),
    HTTP_TOKENS_GRACE_MS("http.tokens.grace.ms", Type.intRange(0, 86_400_000), "300000", false,
            "how long a token removed from http.tokens.file is still accepted, so clients can move to its successor"),
    HTTP_WRITE_RATE("http.write.rate", Type.intRange(0, 1_000_000), "200", false,
            "writes per second each client may make (a client is its token's identity, else its address); "
                    + "over it: 429 with Retry-After; 0: no limit"),
    HTTP_WRITE_BURST("http.write.burst", Type.intRange(1, 1_000_000), "400", false,
            "writes a client may make at once before http.write.rate applies"),
    HTTP_TOKEN_READS("http.token.reads", Type.BOOLEAN, "false", false,
            "reads under /v1 need http.token too"),
    HTTP_PEER_TOKEN("http.peer.token", Type.STRING, "", false,
            "token instances send each other when forwarding reads (/internal); empty: http.token"),
    HTTP_TLS_KEYSTORE("http.tls.keystore", Type.STRING, "", false,
            "PKCS12 keystore with the HTTPS certificate; set, the API serves HTTPS only and instances call each other over HTTPS"),
    HTTP_TLS_KEYSTORE_PASSWORD("http.tls.keystore.password", Type.STRING, "", false,
            "password of http.tls.keystore"),
    HTTP_TLS_PEER_CERTIFICATES("http.tls.peer.certificates", Type.BOOLEAN, "true", false,
            "with http.tls.keystore: instances present its certificate to each other and /internal requests need a client "
                    + "certificate it vouches for (mutual TLS), besides http.peer.token"),
    SCHEMA_REGISTRY_URL("schema.registry.url", Type.URL, null, false,
            "Confluent-compatible schema registry; unset uses the in-process registry under state.dir"),
    STATE_DIR("state.dir", Type.STRING, "data/state", false,
            "where RocksDB stores and the in-process schema journal live"),
    STREAMS_THREADS("streams.threads", Type.intRange(1, 64), "1", false,
            "Kafka Streams threads in this instance"),
    ROCKSDB_MEMORY_MB("rocksdb.memory.mb", Type.intRange(0, 1_048_576), "0", false,
            "off-heap MiB all RocksDB stores of this instance share (block cache, index, filters, memtables); "
                    + "0 (the default) leaves each store RocksDB's own defaults, unbounded; 256 or more, see BENCHMARKS.md"),
    STANDBY_REPLICAS("standby.replicas", Type.intRange(0, 8), "0", false,
            "warm copies of each store on other instances, for fast failover"),
    PROCESSING_GUARANTEE("processing.guarantee", Type.oneOf("exactly_once_v2", "at_least_once"), "exactly_once_v2", false,
            "exactly_once_v2 commits each decision and its outputs in one transaction"),
    CONFIRM_WITHIN_MS("engine.confirm.within.ms", Type.intRange(1_000, 86_400_000), "60000", false,
            "a reservation no executor confirms within this is released (no ghost reservations)"),
    HEARTBEAT_LIMIT_MS("engine.heartbeat.limit.ms", Type.intRange(1_000, 86_400_000), "30000", false,
            "a unit silent for longer is unhealthy and its allocations migrate"),
    MAX_ATTEMPTS("engine.max.attempts", Type.intRange(1, 20), "3", false,
            "placements tried per demand when provisioning fails (then EXECUTION_FAILED), and targets tried per migration"),
    CANDIDATES_PER_REGION("engine.candidates.per.region", Type.intRange(1, 10_000), "32", false,
            "units scored per region and demand (a demand open to more than two regions: twice this in all, at least 8 per region): bounds the work per decision"),
    MIGRATIONS_PER_PROVIDER("engine.migrations.per.provider", Type.intRange(1, 10_000), "2", false,
            "migrations in flight per provider"),
    OPTIMIZER_ENABLED("engine.optimizer.enabled", Type.BOOLEAN, "false", false,
            "the background optimizer: each task plans a few make-before-break moves that free room for demand it turned "
                    + "away for lack of room (the demo turns it on)"),
    OPTIMIZER_INTERVAL_MS("engine.optimizer.interval.ms", Type.intRange(1_000, 86_400_000), "10000", false,
            "how often each task plans an optimizer round"),
    OPTIMIZER_MIN_GAIN_PERCENT("engine.optimizer.min.gain.percent", Type.intRange(1, 100_000), "150", false,
            "a plan is taken only when the demand it makes room for is at least this big, in percent of what it moves "
                    + "(dominant shares of the unit freed)"),
    OPTIMIZER_MOVES_PER_ROUND("engine.optimizer.moves.per.round", Type.intRange(1, 10_000), "8", false,
            "moves one task's round may ask (each waits for its provider's migration slot)"),
    OPTIMIZER_DISRUPTION_PERCENT("engine.optimizer.disruption.percent", Type.intRange(0, 100), "10", false,
            "at most this share of a consumer's allocations on a task may have moved within the window before the "
                    + "optimizer moves another (a hard limit; 0: the optimizer moves nothing)"),
    OPTIMIZER_DISRUPTION_WINDOW_MS("engine.optimizer.disruption.window.ms", Type.intRange(1_000, 604_800_000), "3600000",
            false, "the window of the disruption limit"),
    PREEMPTION_ENABLED("engine.preemption.enabled", Type.BOOLEAN, "true", false,
            "a demand that fits nowhere may take the room of allocations of lower priority on one unit, within their "
                    + "consumers' disruption budgets; the preempted are placed again first, or wait"),
    PREEMPTION_PRIORITY_GAP("engine.preemption.priority.gap", Type.intRange(1, 2_000), "1", false,
            "how far below the preemptor's priority a victim's must be"),
    PREEMPTION_BUDGET_PERCENT("engine.preemption.budget.percent", Type.intRange(0, 100), "20", false,
            "a consumer's disruption budget when its policy names none: at most this share of its allocations on a task "
                    + "preempted within the window, rounded down (a hard rule; 0: never preempted)"),
    PREEMPTION_WINDOW_MS("engine.preemption.window.ms", Type.intRange(1_000, 604_800_000), "3600000", false,
            "the window of the disruption budgets"),
    PREEMPTION_REQUEUE_WAIT_MS("engine.preemption.requeue.wait.ms", Type.intRange(0, 604_800_000), "600000", false,
            "how long a preempted allocation waits to be placed again when its demand named no wait of its own"),
    GANG_TIMEOUT_MS("engine.gang.timeout.ms", Type.intRange(1_000, 604_800_000), "60000", false,
            "how long a group of demands (groupId, minMembers) may take to gather and place its members when its demands "
                    + "name no groupTimeoutSeconds; then those not placed are rejected GANG_TIMEOUT"),
    BATCH_WINDOW_MS("engine.batch.window.ms", Type.intRange(0, 1_000), "0", false,
            "joint placement: demands arriving one after another on a task are held up to this long and placed together, "
                    + "largest first (priority first), instead of each as it arrives (0: off)"),
    SPILL_MARGIN_PERCENT("engine.spill.margin.percent", Type.intRange(0, 1_000), "10", false,
            "a demand that fits on the task it arrived at moves to another task only when that task's units look this much "
                    + "cheaper, in percent (a demand that does not fit moves whatever the price)"),
    CURRENCY_BASE("engine.currency.base", Type.CURRENCY, "USD", false,
            "currency prices and budgets are compared in"),
    CURRENCY_RATES("engine.currency.rates", Type.RATES, "EUR:1.08,GBP:1.27,XLM:0.11,USDC:1", false,
            "value of one unit of each other currency in the base currency, CODE:RATE,..."),
    REGION_ALIASES("engine.region.aliases", Type.ALIASES,
            "eu-west=eu-west-1,eu-central=eu-central-1,frankfurt=eu-central-1,us-east=us-east-1,virginia=us-east-1,"
                    + "us-west=us-west-2,ap-south=ap-south-1", false,
            "region aliases, alias=region,..."),
    PRICING_CURVE("pricing.curve", Type.oneOf("dynamic", "flat"), "dynamic", false,
            "dynamic: a unit's price per hour follows its utilization and its measured availability along the curve of "
                    + "the pricing.* settings, within the provider's floor and cap; flat: always the list price"),
    PRICING_TARGET_UTILIZATION_BP("pricing.target.utilization.bp", Type.intRange(1, 9_999), "6000", false,
            "utilization (basis points) at which a unit asks its list price"),
    PRICING_IDLE_DISCOUNT_BP("pricing.idle.discount.bp", Type.intRange(0, 9_999), "2000", false,
            "discount (basis points) an empty unit gives off its list price, falling linearly to 0 at the target"),
    PRICING_SURGE_BP("pricing.surge.bp", Type.intRange(0, 100_000), "15000", false,
            "surcharge (basis points) a full unit asks over its list price, rising linearly from 0 at the target"),
    PRICING_RELIABILITY_WEIGHT_BP("pricing.reliability.weight.bp", Type.intRange(0, 9_999), "5000", false,
            "how much of the price (basis points) depends on reliability: a unit that is never available asks this much less"),
    PAYMENTS_ENABLED("payments.enabled", Type.BOOLEAN, "false", false,
            "charge placements through the escrow ledger: consumers deposit, each settlement period is locked, released "
                    + "to the provider less the fee when its SLA held, refunded when it broke; the demo turns it on"),
    PAYMENTS_PERIOD_MS("payments.period.ms", Type.intRange(1_000, 2_000_000_000), "3600000", false,
            "length of a settlement period in milliseconds: what is locked at placement and paid out at each end"),
    PAYMENTS_FEE_BP("payments.fee.bp", Type.intRange(0, 10_000), "200", false,
            "the platform's fee on each release, in basis points (200 = 2%)"),
    PAYMENTS_INELIGIBLE_AFTER("payments.ineligible.after.breaches", Type.intRange(1, 256), "5", false,
            "SLA breaches (slashes not reversed) within payments.breach.window.ms after which a provider's units take no new "
                    + "placements; each breach lowers its reliability (and so its price) by an equal step until then"),
    PAYMENTS_BREACH_WINDOW_MS("payments.breach.window.ms", Type.intRange(1_000, 2_000_000_000), "3600000", false,
            "how long a breach counts against a provider's standing"),
    BROKER_DATA_DIR("broker.data.dir", Type.STRING, "data/broker", false,
            "demo only: where the embedded broker keeps its logs; delete it to start afresh"),
    BROKER_PORT("broker.port", Type.intRange(0, 65_535), "9092", false,
            "demo only: port of the embedded broker, if free; else the one its data was last served on, else another");

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
