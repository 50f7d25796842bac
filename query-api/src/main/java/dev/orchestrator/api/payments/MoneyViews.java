package dev.orchestrator.api.payments;

import dev.orchestrator.topology.money.ConsumerAccount;
import dev.orchestrator.topology.money.Movement;
import dev.orchestrator.topology.money.ProviderAccount;
import java.math.BigDecimal;

/** How the ledger's accounts and movements are shown over HTTP: amounts as exact decimal strings. */
final class MoneyViews {
    private MoneyViews() {
    }

    /** A consumer's account: {@code spent} is what went to providers plus fees. */
    record Account(String consumerId, String currency, String deposited, String available, String locked, String spent,
                   String released, String fees, String refunded, String credited) {
        static Account of(final ConsumerAccount a, final String currency) {
            return new Account(a.consumerId(), currency, amount(a.deposited()), amount(a.available()), amount(a.locked()),
                    amount(a.spent()), amount(a.released()), amount(a.fees()), amount(a.refunded()), amount(a.credited()));
        }
    }

    /** A provider's earnings and stake. */
    record Earnings(String providerId, String currency, String released, String slashed, String stake, String staked,
                    int breaches) {
        static Earnings of(final ProviderAccount a, final String currency) {
            return new Earnings(a.providerId(), currency, amount(a.earned()), amount(a.slashed()), amount(a.stake()),
                    amount(a.staked()), a.breaches());
        }
    }

    /** One movement. */
    record Payment(String paymentId, long sequence, String kind, String amount, String currency, String consumerId,
                   String providerId, String allocationId, int period, String reason, long at) {
        static Payment of(final Movement m, final String currency) {
            return new Payment(m.id(), m.sequence(), m.kind().name(), MoneyViews.amount(m.amount()), currency, m.consumerId(),
                    m.providerId(), m.allocationId(), m.period(), m.reason() == null || m.reason().isEmpty() ? null : m.reason(),
                    m.at());
        }
    }

    /** The ledger's totals: what came in, what escrow holds, what went out, and the drifts settlement reported. */
    record Totals(String currency, String deposited, String staked, String escrowHeld, String released, String fees,
                  String refunded, String slashed, long movements, long drifts) {
        static Totals of(final dev.orchestrator.topology.money.LedgerTotals t, final String currency) {
            return new Totals(currency, amount(t.deposited()), amount(t.staked()), amount(t.locked()), amount(t.released()),
                    amount(t.fees()), amount(t.refunded()), amount(t.slashed()), t.movements(), t.drifts());
        }
    }

    /** The totals over time, sampled here, for the dashboard's chart (amounts as numbers of the currency). */
    record History(long intervalMillis, java.util.List<Long> times, java.util.List<Double> escrowHeld,
                   java.util.List<Double> released, java.util.List<Double> slashed, java.util.List<Double> refunded) {
    }

    /** What {@code /v1/payments/summary} answers. */
    record Summary(Totals totals, History history) {
    }

    /** A slash as a reversal must see it, for the instance that runs the ledger to tell another. */
    record SlashState(Movement movement, boolean reversed, long consumerAvailable) {
    }

    /** Micro-units as Stellar writes an amount: no trailing zeros, no point for whole amounts. */
    static String amount(final long micros) {
        final BigDecimal value = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
        return value.scale() < 0 ? value.setScale(0).toPlainString() : value.toPlainString();
    }
}
