package dev.orchestrator.connectors.settlement;

/**
 * What the settlement worker stored of one payment's transaction, under the payment's id on the
 * compacted {@code settlements.v1}: the signed envelope and its hash, written before it is first
 * submitted; its upper time bound; the id of the claimable balance it creates first (so a later
 * payment can reclaim it); and where it is. {@code generation} counts the transactions built for the
 * payment: a new one only after the last one's max time passed and its hash was not found.
 */
public record SettlementRecord(String paymentId, State state, String hash, String envelopeXdr, long maxTime,
                               String balanceId, int generation, String detail) {
    /** Where a payment's transaction is. */
    public enum State {
        /** Signed and stored; maybe submitted, maybe landed: resolve by hash. */
        STORED,
        /** Landed and succeeded. */
        LANDED,
        /** Can never land (its max time passed, its hash unknown): the next generation is built. */
        EXPIRED,
        /** Landed and failed, or refused for good: reported, not retried. */
        FAILED
    }

    /** A freshly built and signed transaction. */
    public static SettlementRecord stored(final String paymentId, final String hash, final String envelopeXdr,
                                          final long maxTime, final String balanceId, final int generation) {
        return new SettlementRecord(paymentId, State.STORED, hash, envelopeXdr, maxTime, balanceId, generation, "");
    }

    public SettlementRecord in(final State next, final String why) {
        return new SettlementRecord(paymentId, next, hash, envelopeXdr, maxTime, balanceId, generation, why == null ? "" : why);
    }
}
