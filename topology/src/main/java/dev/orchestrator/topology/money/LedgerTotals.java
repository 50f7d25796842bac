package dev.orchestrator.topology.money;

/**
 * The whole ledger in a few numbers, kept as movements are made: what came in (deposits, stakes),
 * what escrow holds now, and what has gone out of it so far (released to providers, fees, refunded),
 * with slashes net of reversals, and how many drifts settlement's reconciliation reported. Exact; an
 * overflow throws.
 */
public record LedgerTotals(long deposited, long staked, long locked, long released, long fees, long refunded,
                           long slashed, long movements, long drifts) {
    public static final LedgerTotals NONE = new LedgerTotals(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** The totals after {@code m}. */
    public LedgerTotals after(final Movement m) {
        final long a = m.amount();
        long dep = deposited;
        long stk = staked;
        long lck = locked;
        long rel = released;
        long fee = fees;
        long ref = refunded;
        long sla = slashed;
        switch (m.kind()) {
            case DEPOSITED -> dep = Math.addExact(dep, a);
            case STAKED -> stk = Math.addExact(stk, a);
            case LOCKED -> lck = Math.addExact(lck, a);
            case RELEASED -> {
                lck = Math.subtractExact(lck, a);
                rel = Math.addExact(rel, a);
            }
            case FEE -> {
                lck = Math.subtractExact(lck, a);
                fee = Math.addExact(fee, a);
            }
            case REFUNDED -> {
                lck = Math.subtractExact(lck, a);
                ref = Math.addExact(ref, a);
            }
            case SLASHED -> sla = Math.addExact(sla, a);
            case SLASH_REVERSED -> sla = Math.subtractExact(sla, a);
            case LOCK_REFUSED -> {
            }
            case DRIFT -> {
                return new LedgerTotals(dep, stk, lck, rel, fee, ref, sla, movements + 1, drifts + 1);
            }
        }
        // all that came in must be countable as one number, as the books count it: more is refused, not wrapped
        Math.addExact(dep, stk);
        return new LedgerTotals(dep, stk, lck, rel, fee, ref, sla, movements + 1, drifts);
    }
}
