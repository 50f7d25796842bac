package dev.orchestrator.topology.money;

/**
 * One movement of money, as it goes out on {@code payments.v1}: what moved ({@code kind}), how much
 * (micro-units, >= 0), between whom, for which allocation and period, and the balances it left, so
 * anyone replaying the topic can check the books ({@code consumerAvailable}, {@code consumerLocked},
 * {@code providerStake} are -1 where the movement does not touch that side). {@code id} is
 * deterministic (allocation, period and kind, or the request id of a deposit): the idempotency key
 * of the settlement that carries it out. {@code sequence} orders every movement of the ledger, so the
 * balances can be checked in order whatever partition a movement went to (0 until recorded).
 */
public record Movement(String id, Kind kind, long amount, String consumerId, String providerId, String allocationId,
                       int period, String reason, long at, long consumerAvailable, long consumerLocked,
                       long providerStake, long sequence) {
    /** What a movement does. */
    public enum Kind {
        /** Outside money into a consumer's available balance. */
        DEPOSITED,
        /** Outside money into a provider's stake. */
        STAKED,
        /** Available to escrow, for one period. */
        LOCKED,
        /** The consumer could not cover a period: nothing moved, the allocation is released. */
        LOCK_REFUSED,
        /** Escrow to the provider, the period's SLA held. */
        RELEASED,
        /** Escrow to the platform: its fee on a release. */
        FEE,
        /** Escrow back to the consumer's available balance. */
        REFUNDED,
        /** A provider's stake to the consumer, for a breached SLA window. */
        SLASHED,
        /** An operator took a slash back: consumer's available to the provider's stake. */
        SLASH_REVERSED,
        /** Settlement's reconciliation found Stellar and the ledger disagreeing about a payment: nothing moved. */
        DRIFT
    }

    /** The movement as the ledger's {@code next} one. */
    public Movement numbered(final long next) {
        return new Movement(id, kind, amount, consumerId, providerId, allocationId, period, reason, at, consumerAvailable,
                consumerLocked, providerStake, next);
    }

    /** Whether this movement changes a balance (a refused lock records a fact, it moves nothing). */
    public boolean moves() {
        return kind != Kind.LOCK_REFUSED && kind != Kind.DRIFT && amount > 0;
    }
}
