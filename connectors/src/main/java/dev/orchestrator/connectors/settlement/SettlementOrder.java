package dev.orchestrator.connectors.settlement;

import java.util.List;

/**
 * What one payment needs on Stellar: the operations of its one transaction, in order. A payment that
 * moves nothing on chain (a deposit, a fee, a slash between balances the platform holds) has none.
 */
public record SettlementOrder(String paymentId, List<Step> steps) {
    public SettlementOrder {
        steps = List.copyOf(steps);
    }

    /** Whether there is anything to submit. */
    public boolean empty() {
        return steps.isEmpty();
    }

    /** One operation. */
    public sealed interface Step {
    }

    /** Holds a period's lock in a claimable balance only the platform may claim: escrow visible on chain. */
    public record Escrow(long stroops) implements Step {
    }

    /** The platform claims a period's escrow back (a refund, or before paying the provider its share). */
    public record Reclaim(String balanceId) implements Step {
    }

    /**
     * Stake money moves between the stakes account and the platform's: a slash ({@code toPlatform},
     * the consumer's credit) or its reversal.
     */
    record StakeTransfer(long stroops, boolean toPlatform) implements Step {
    }

    /**
     * The provider's share, as a claimable balance it may claim before {@code deadline} (epoch seconds)
     * and the platform reclaims from then on.
     */
    public record Payout(String provider, long stroops, long deadline) implements Step {
    }
}
