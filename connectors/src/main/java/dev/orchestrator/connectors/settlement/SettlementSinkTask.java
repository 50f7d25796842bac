package dev.orchestrator.connectors.settlement;

import dev.orchestrator.avro.Payment;
import dev.orchestrator.connectors.OrchestratorTopics;
import dev.orchestrator.schemas.Topics;
import java.io.IOException;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
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

    @Override
    public String version() {
        return SettlementConnector.VERSION;
    }

    @Override
    public void start(final Map<String, String> settings) {
        final SettlementConfig config = new SettlementConfig(settings);
        topics = OrchestratorTopics.of(config.getString(SettlementConfig.TOPIC_PREFIX),
                config.getString(SettlementConfig.REGISTRY_URL));
        final Map<String, Object> clients = new HashMap<>(config.clientSettings());
        clients.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",",
                config.getList(SettlementConfig.BOOTSTRAP)));
        final EscrowTransactions transactions = new EscrowTransactions(config.network(), config.asset(),
                config.platform(System.getenv()));
        horizon = new SdkHorizon(config.getString(SettlementConfig.HORIZON_URL));
        store = new KafkaSettlementStore(topics.settlements.name(), clients);
        plan = new SettlementPlan(store, config.getLong(SettlementConfig.CLAIM_WINDOW));
        settler = new Settler(horizon, store, transactions, Clock.systemUTC(),
                new Settler.Timing(config.getLong(SettlementConfig.TX_TIMEOUT), 5, config.getLong(SettlementConfig.RETRY)),
                pauseAt(System.getenv(PAUSE_AT)));
        LOG.info("settlement worker ready: platform account {}, Horizon {}, {} settlements on record",
                transactions.platformAccount(), config.getString(SettlementConfig.HORIZON_URL), store.size());
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
        if (store != null) {
            store.close();
        }
        if (horizon != null) {
            horizon.close();
        }
    }
}
