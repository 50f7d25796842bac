package dev.orchestrator.connectors.settlement;

import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stellar.sdk.Transaction;

/**
 * Lands one payment's transaction on Stellar exactly once, whatever Horizon answers and wherever the
 * worker dies. The signed envelope and its hash are stored before the first submission; a timeout
 * resubmits the identical envelope; an outcome in doubt is resolved by looking the hash up; a new
 * transaction, with a new sequence, is built only once the old one's max time has passed and its
 * hash is not found (it can then never land). A worker that restarts finds the stored envelope and
 * goes on from there.
 */
public final class Settler {
    private static final Logger LOG = LoggerFactory.getLogger(Settler.class);

    /** Where settlement records live (durably: {@link #put} returns once written). */
    public interface Store {
        SettlementRecord get(String paymentId);

        void put(SettlementRecord record);
    }

    /** Points where a test (or a kill -9 test's child) may stop the worker dead. */
    public interface Crash {
        Crash NEVER = (point, paymentId) -> { };

        /** {@code point}: "stored" (envelope stored, not yet submitted) or "submitted" (answer not yet recorded). */
        void at(String point, String paymentId);
    }

    /** {@code txSeconds}: how long a transaction may take to land (its max time); {@code graceSeconds}: clock skew allowed. */
    public record Timing(long txSeconds, long graceSeconds, long retryMillis) {
        public static final Timing DEFAULT = new Timing(30, 5, 1_000);
    }

    private final Horizon horizon;
    private final Store store;
    private final EscrowTransactions transactions;
    private final Clock clock;
    private final Timing timing;
    private final Crash crash;

    public Settler(final Horizon horizon, final Store store, final EscrowTransactions transactions, final Clock clock,
                   final Timing timing, final Crash crash) {
        this.horizon = horizon;
        this.store = store;
        this.transactions = transactions;
        this.clock = clock;
        this.timing = timing;
        this.crash = crash;
    }

    /** Settles {@code order}; returns its final record, or null when it has nothing to do on chain. */
    public SettlementRecord settle(final SettlementOrder order) throws IOException, InterruptedException {
        if (order.empty()) {
            return null;
        }
        SettlementRecord record = store.get(order.paymentId());
        while (true) {
            if (record != null && (record.state() == SettlementRecord.State.LANDED
                    || record.state() == SettlementRecord.State.FAILED)) {
                return record;
            }
            if (record == null || record.state() == SettlementRecord.State.EXPIRED) {
                record = build(order, record == null ? 1 : record.generation() + 1);
            }
            final Horizon.Answer answer = horizon.submit(record.envelopeXdr());
            crash.at("submitted", order.paymentId());
            if (answer.outcome() == Horizon.Submitted.LANDED) {
                return put(record.in(SettlementRecord.State.LANDED, ""));
            }
            // in doubt (a timeout, a sequence taken, a refusal): the ledger says what happened
            final Optional<Boolean> found = horizon.find(record.hash());
            if (found.isPresent()) {
                return put(found.get() ? record.in(SettlementRecord.State.LANDED, "")
                        : record.in(SettlementRecord.State.FAILED, "landed and failed"));
            }
            if (answer.outcome() == Horizon.Submitted.FAILED) {
                LOG.warn("payment={} transaction {} refused: {}", order.paymentId(), record.hash(), answer.code());
                return put(record.in(SettlementRecord.State.FAILED, answer.code()));
            }
            if (clock.millis() / 1000 > record.maxTime() + timing.graceSeconds()) {
                LOG.info("payment={} transaction {} never landed and cannot any more (max time passed): building generation {}",
                        order.paymentId(), record.hash(), record.generation() + 1);
                record = put(record.in(SettlementRecord.State.EXPIRED, answer.code()));
                continue;
            }
            LOG.debug("payment={} transaction {}: {}; resubmitting the same envelope", order.paymentId(), record.hash(),
                    answer.outcome());
            Thread.sleep(timing.retryMillis());
        }
    }

    private SettlementRecord build(final SettlementOrder order, final int generation) throws IOException {
        final long sequence = horizon.sequence(transactions.platformAccount());
        final long maxTime = clock.millis() / 1000 + timing.txSeconds();
        final Transaction tx = transactions.build(order, sequence, maxTime);
        final String balanceId = order.steps().get(0) instanceof SettlementOrder.Escrow ? tx.getClaimableBalanceId(0) : "";
        final SettlementRecord stored = put(SettlementRecord.stored(order.paymentId(), tx.hashHex(), tx.toEnvelopeXdrBase64(),
                maxTime, balanceId, generation));
        crash.at("stored", order.paymentId());
        return stored;
    }

    private SettlementRecord put(final SettlementRecord record) {
        store.put(record);
        return record;
    }
}
