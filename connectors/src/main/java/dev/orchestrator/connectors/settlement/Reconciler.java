package dev.orchestrator.connectors.settlement;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Compares what the settlement worker recorded with what Horizon shows: every transaction recorded
 * as landed is in the ledger and succeeded; every period's escrow is open on chain exactly while no
 * release or refund of its period has landed; no envelope stays in doubt past its max time. Each
 * disagreement is a drift, named by its payment.
 */
public final class Reconciler {
    /** One disagreement: the payment and what disagrees (at most 200 characters). */
    public record Drift(String paymentId, String what) {
    }

    private final Horizon horizon;
    private final Clock clock;
    private final long graceSeconds;

    public Reconciler(final Horizon horizon, final Clock clock, final long graceSeconds) {
        this.horizon = horizon;
        this.clock = clock;
        this.graceSeconds = graceSeconds;
    }

    /** The drifts among {@code records}; {@code byId} finds a record by payment id (the period's release or refund). */
    public List<Drift> check(final Collection<SettlementRecord> records, final Function<String, SettlementRecord> byId)
            throws IOException {
        final List<Drift> drifts = new ArrayList<>();
        final long now = clock.millis() / 1000;
        for (final SettlementRecord record : records) {
            switch (record.state()) {
                case LANDED -> {
                    final Optional<Boolean> found = horizon.find(record.hash());
                    if (found.isEmpty()) {
                        drifts.add(new Drift(record.paymentId(), "recorded as landed, but Horizon does not know " + record.hash()));
                    } else if (!found.get()) {
                        drifts.add(new Drift(record.paymentId(), "recorded as landed, but it failed on the ledger"));
                    } else if (!record.balanceId().isEmpty()) {
                        final boolean closed = settled(record.paymentId(), byId);
                        final boolean open = horizon.balanceOpen(record.balanceId());
                        if (open == closed) {
                            drifts.add(new Drift(record.paymentId(), closed ? "escrow still open on chain after its period was settled"
                                    : "escrow no longer on chain while its period is open"));
                        }
                    }
                }
                case STORED -> {
                    if (now > record.maxTime() + graceSeconds) {
                        drifts.add(new Drift(record.paymentId(), "envelope in doubt past its max time"));
                    }
                }
                case FAILED -> drifts.add(new Drift(record.paymentId(), "settlement failed: " + clip(record.detail())));
                case EXPIRED -> {
                }
            }
        }
        return drifts;
    }

    /** Whether the escrow of lock {@code lockId} was reclaimed: its period's release or refund landed with a reclaim. */
    private static boolean settled(final String lockId, final Function<String, SettlementRecord> byId) {
        if (!lockId.endsWith("LOCKED")) {
            // only a period's lock creates a balance: a record that says otherwise is not one of ours
            return false;
        }
        final String period = lockId.substring(0, lockId.length() - "LOCKED".length());
        for (final String kind : new String[] {"RELEASED", "REFUNDED"}) {
            final SettlementRecord sibling = byId.apply(period + kind);
            if (sibling != null && sibling.state() == SettlementRecord.State.LANDED) {
                return true;
            }
        }
        return false;
    }

    private static String clip(final String text) {
        return text == null ? "" : text.length() > 120 ? text.substring(0, 120) : text;
    }
}
