package dev.orchestrator.topology.money;

/**
 * A consumer's money, in micro-units, as exact longs. The books hold when
 * {@code deposited + credited = available + locked + released + fees}: every micro-unit that came in
 * (a deposit, or a slash credited from a provider's stake) is either free, held in escrow, paid to a
 * provider, or the platform's fee. {@code refunded} counts what went back from escrow to available
 * (a flow, not a balance).
 */
public record ConsumerAccount(String consumerId, long deposited, long credited, long available, long locked,
                              long released, long fees, long refunded) {
    /** An account nothing has moved through. */
    public static ConsumerAccount empty(final String consumerId) {
        return new ConsumerAccount(consumerId, 0, 0, 0, 0, 0, 0, 0);
    }

    /** Whether the account's own books balance and no balance is negative. */
    public boolean balanced() {
        return available >= 0 && locked >= 0 && released >= 0 && fees >= 0 && deposited >= 0 && credited >= 0
                && Math.addExact(deposited, credited)
                == Math.addExact(Math.addExact(available, locked), Math.addExact(released, fees));
    }

    /** What the consumer has spent: paid to providers plus fees. */
    public long spent() {
        return Math.addExact(released, fees);
    }

    ConsumerAccount deposit(final long amount) {
        return new ConsumerAccount(consumerId, Math.addExact(deposited, amount), credited, Math.addExact(available, amount),
                locked, released, fees, refunded);
    }

    ConsumerAccount lock(final long amount) {
        return new ConsumerAccount(consumerId, deposited, credited, Math.subtractExact(available, amount),
                Math.addExact(locked, amount), released, fees, refunded);
    }

    ConsumerAccount release(final long toProvider, final long fee) {
        return new ConsumerAccount(consumerId, deposited, credited, available,
                Math.subtractExact(locked, Math.addExact(toProvider, fee)), Math.addExact(released, toProvider),
                Math.addExact(fees, fee), refunded);
    }

    ConsumerAccount refund(final long amount) {
        return new ConsumerAccount(consumerId, deposited, credited, Math.addExact(available, amount),
                Math.subtractExact(locked, amount), released, fees, Math.addExact(refunded, amount));
    }

    ConsumerAccount credit(final long amount) {
        return new ConsumerAccount(consumerId, deposited, Math.addExact(credited, amount), Math.addExact(available, amount),
                locked, released, fees, refunded);
    }
}
