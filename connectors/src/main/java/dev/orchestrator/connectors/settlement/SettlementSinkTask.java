package dev.orchestrator.connectors.settlement;

import dev.orchestrator.avro.FundsRequest;
import dev.orchestrator.avro.FundsRequestType;
import dev.orchestrator.avro.Payment;
import dev.orchestrator.connectors.OrchestratorTopics;
import dev.orchestrator.schemas.Topics;
import java.io.IOException;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles {@code payments.v1} on Stellar, one payment at a time in the ledger's order: each record's
 * transaction (if it needs one) lands exactly once before the next is taken. A record delivered
 * again after a crash or rebalance finds its stored envelope and goes on from there.
 */
public final class SettlementSinkTask extends SinkTask {
    /** Environment variable a kill -9 test sets so the worker stops dead at a point ("stored", "submitted") and waits there. */
    public static final String PAUSE_AT = "ORCH_SETTLEMENT_PAUSE_AT";
    private static final Logger LOG = LoggerFactory.getLogger(SettlementSinkTask.class);

    private Topics topics;
    private SdkHorizon horizon;
    private KafkaSettlementStore store;
    private SettlementPlan plan;
    private Settler settler;
    private long settled;
    private org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> reports;
    private final java.util.Set<String> reported = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.ScheduledExecutorService reconciling =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                final Thread thread = new Thread(r, "settlement-reconciliation");
                thread.setDaemon(true);
                return thread;
            });

    @Override
    public String version() {
        return SettlementConnector.VERSION;
    }

    @Override
    public void start(final Map<String, String> settings) {
        final SettlementConfig config = new SettlementConfig(settings);
        topics = OrchestratorTopics.of(config);
        final Map<String, Object> clients = new HashMap<>(config.clientSettings());
        clients.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",",
                config.getList(SettlementConfig.BOOTSTRAP)));
        final EscrowTransactions transactions = new EscrowTransactions(config.network(), config.asset(),
                config.platform(System.getenv()), config.stakes(System.getenv()));
        horizon = new SdkHorizon(config.getString(SettlementConfig.HORIZON_URL));
        store = new KafkaSettlementStore(topics.settlements.name(), clients);
        plan = new SettlementPlan(store, config.getLong(SettlementConfig.CLAIM_WINDOW), transactions.stakesOnChain());
        settler = new Settler(horizon, store, transactions, Clock.systemUTC(),
                new Settler.Timing(config.getLong(SettlementConfig.TX_TIMEOUT), 5, config.getLong(SettlementConfig.RETRY)),
                pauseAt(System.getenv(PAUSE_AT)));
        LOG.info("settlement worker ready: platform account {}, stakes {}, Horizon {}, {} settlements on record",
                transactions.platformAccount(), transactions.stakesOnChain() ? "in an account of their own"
                        : "in the platform's account (slashes need no transaction)",
                config.getString(SettlementConfig.HORIZON_URL), store.size());
        final long every = config.getLong(SettlementConfig.RECONCILE);
        if (every > 0) {
            reports = new org.apache.kafka.clients.producer.KafkaProducer<>(clients,
                    new org.apache.kafka.common.serialization.StringSerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer());
            final Reconciler reconciler = new Reconciler(horizon, Clock.systemUTC(), 5);
            reconciling.scheduleWithFixedDelay(() -> reconcile(reconciler), every, every, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Override
    public void put(final Collection<SinkRecord> records) {
        for (final SinkRecord record : records) {
            if (!(record.value() instanceof byte[] value)) {
                LOG.warn("payments.v1 offset {}: value is not bytes (set value.converter to ByteArrayConverter); skipped",
                        record.kafkaOffset());
                continue;
            }
            final Payment payment;
            try {
                payment = topics.payments.valueSerde().deserializer().deserialize(record.topic(), value);
            } catch (final RuntimeException e) {
                LOG.warn("payments.v1 offset {}: cannot decode ({}); skipped", record.kafkaOffset(), e.getMessage());
                continue;
            }
            settle(payment);
        }
    }

    private void settle(final Payment payment) {
        try {
            final SettlementOrder order = plan.of(payment, payment.getPayeeAddress(), System.currentTimeMillis() / 1000);
            final SettlementRecord done = settler.settle(order);
            if (done != null) {
                settled++;
                if (done.state() != SettlementRecord.State.LANDED || done.generation() > 1) {
                    LOG.info("payment={} {} settled: {} transaction {} (generation {}) {}", payment.getPaymentId(),
                            payment.getKind(), done.state(), done.hash(), done.generation(), done.detail());
                } else {
                    LOG.debug("payment={} {} landed: transaction {}", payment.getPaymentId(), payment.getKind(), done.hash());
                }
                if (settled % 10_000 == 0) {
                    LOG.info("settlement worker: {} payments settled on chain", settled);
                }
            }
        } catch (final IOException e) {
            throw new RetriableException("Horizon is unreachable while settling " + payment.getPaymentId() + ": "
                    + e.getMessage(), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted while settling " + payment.getPaymentId(), e);
        }
    }

    /** Compares what was settled with Horizon; each new drift goes to the ledger as a DRIFT request on funds.v1. */
    private void reconcile(final Reconciler reconciler) {
        try {
            final List<Reconciler.Drift> drifts = reconciler.check(store.all(), store::get);
            int fresh = 0;
            for (final Reconciler.Drift drift : drifts) {
                if (!reported.add(drift.paymentId() + " " + drift.what())) {
                    continue;
                }
                fresh++;
                final FundsRequest report = FundsRequest.newBuilder().setRequestId(Integer.toHexString((drift.paymentId()
                        + drift.what()).hashCode())).setType(FundsRequestType.DRIFT).setAccountId(drift.paymentId())
                        .setDetail(drift.what()).setRequestedBy("settlement reconciliation").setRequestedAt(Instant.now()).build();
                reports.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topics.funds.name(), drift.paymentId(),
                        topics.funds.valueSerde().serializer().serialize(topics.funds.name(), report)));
            }
            reports.flush();
            LOG.info("reconciliation: {} settled payments compared with Horizon, {} drifts ({} new)", store.size(),
                    drifts.size(), fresh);
        } catch (final IOException | RuntimeException e) {
            LOG.warn("reconciliation skipped: {}", e.getMessage());
        }
    }

    /** A pause that lasts until the process is killed, announced on the log, for the kill -9 tests. */
    static Settler.Crash pauseAt(final String point) {
        if (point == null || point.isBlank()) {
            return Settler.Crash.NEVER;
        }
        return (at, paymentId) -> {
            if (at.equals(point)) {
                LOG.warn("settlement paused at {} for payment={} ({} is set): waiting to be killed", at, paymentId, PAUSE_AT);
                while (true) {
                    try {
                        Thread.sleep(60_000);
                    } catch (final InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while paused at " + at);
                    }
                }
            }
        };
    }

    @Override
    public void stop() {
        LOG.info("settlement worker stopping after {} settlements", settled);
        reconciling.shutdownNow();
        if (reports != null) {
            reports.close(java.time.Duration.ofSeconds(5));
        }
        if (store != null) {
            store.close();
        }
        if (horizon != null) {
            horizon.close();
        }
    }
}
