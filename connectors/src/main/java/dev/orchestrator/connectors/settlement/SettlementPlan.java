package dev.orchestrator.connectors.settlement;

import dev.orchestrator.avro.Payment;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Which payments go on chain, and as what. The platform's account holds deposits and stakes; the
 * ledger's balances are its books. What Stellar shows is each period's escrow and each payout:
 * <ul>
 *   <li>LOCKED: the period's lock as a claimable balance only the platform may claim;</li>
 *   <li>RELEASED: the platform reclaims that escrow and pays the provider its share as a claimable
 *       balance the provider may claim until a deadline, the platform after it;</li>
 *   <li>REFUNDED: the platform reclaims the escrow, unless the period's release already did.</li>
 *   <li>SLASHED and SLASH_REVERSED, when stakes are held in an account of their own: a payment from
 *       the stakes account to the platform's (the consumer's credit), or back.</li>
 * </ul>
 * Fees, deposits and stakes move money between balances the platform holds and need no transaction.
 */
public final class SettlementPlan {
    private final Settler.Store store;
    private final long claimWindowSeconds;
    private final boolean stakesOnChain;

    /** {@code store} says which escrows exist and were reclaimed; a provider has {@code claimWindowSeconds} to claim. */
    public SettlementPlan(final Settler.Store store, final long claimWindowSeconds) {
        this(store, claimWindowSeconds, false);
    }

    /** With {@code stakesOnChain}: stakes sit in an account of their own, and slashes and reversals move money between them. */
    public SettlementPlan(final Settler.Store store, final long claimWindowSeconds, final boolean stakesOnChain) {
        this.store = store;
        this.claimWindowSeconds = claimWindowSeconds;
        this.stakesOnChain = stakesOnChain;
    }

    /** The order for {@code payment}, whose provider is paid at {@code payee} (null when unknown) at {@code nowSeconds}. */
    public SettlementOrder of(final Payment payment, final String payee, final long nowSeconds) {
        final String id = payment.getPaymentId();
        final long stroops = payment.getAmount().getAmount().multiply(BigDecimal.TEN.pow(7)).longValueExact();
        final List<SettlementOrder.Step> steps = new ArrayList<>();
        switch (payment.getKind()) {
            case LOCKED -> {
                if (stroops > 0) {
                    steps.add(new SettlementOrder.Escrow(stroops));
                }
            }
            case RELEASED -> {
                escrowOf(payment).ifPresent(balance -> steps.add(new SettlementOrder.Reclaim(balance)));
                if (stroops > 0 && payee != null) {
                    steps.add(new SettlementOrder.Payout(payee, stroops, nowSeconds + claimWindowSeconds));
                }
            }
            case REFUNDED -> {
                final SettlementRecord release = store.get(sibling(payment, "RELEASED"));
                if (release == null) {
                    escrowOf(payment).ifPresent(balance -> steps.add(new SettlementOrder.Reclaim(balance)));
                }
            }
            case SLASHED, SLASH_REVERSED -> {
                if (stakesOnChain && stroops > 0) {
                    steps.add(new SettlementOrder.StakeTransfer(stroops, payment.getKind() == dev.orchestrator.avro.PaymentKind.SLASHED));
                }
            }
            default -> {
            }
        }
        return new SettlementOrder(id, steps);
    }

    /** The claimable balance holding the escrow of the payment's period, when one landed. */
    private java.util.Optional<String> escrowOf(final Payment payment) {
        final SettlementRecord lock = store.get(sibling(payment, "LOCKED"));
        return lock == null || lock.state() != SettlementRecord.State.LANDED || lock.balanceId().isEmpty()
                ? java.util.Optional.empty() : java.util.Optional.of(lock.balanceId());
    }

    /** The id of the payment of kind {@code kind} of the same allocation and period (the ledger's id scheme). */
    private static String sibling(final Payment payment, final String kind) {
        return "a:" + payment.getAllocationId() + "/p" + payment.getPeriod() + "/" + kind;
    }
}
