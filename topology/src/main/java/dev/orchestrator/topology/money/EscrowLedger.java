package dev.orchestrator.topology.money;

import java.util.ArrayList;
import java.util.List;

/**
 * The escrow rules, free of Kafka: deposits and stakes come in; a placement locks its first period
 * from the consumer's available balance (or is refused for want of funds); at each period's end the
 * provider is paid less the platform's fee when the SLA held, the consumer refunded when it broke,
 * and the next period locked; an allocation that ends or moves settles its period pro rata; a
 * breached SLA window slashes the provider's stake to the consumer once. Every operation returns the
 * movements it made, and leaves every account balanced ({@link ConsumerAccount#balanced},
 * {@link ProviderAccount#balanced}). Amounts are micro-units; arithmetic is exact and an overflow
 * throws rather than wraps.
 */
public final class EscrowLedger {
    private final LedgerState state;
    private final PaymentTerms terms;

    public EscrowLedger(final LedgerState state, final PaymentTerms terms) {
        this.state = state;
        this.terms = terms;
    }

    /** What a placement needs to have any chance: the cost of its first period. */
    public long firstPeriodCost(final long pricePerHourMicros) {
        return terms.periodCost(pricePerHourMicros);
    }

    /** A consumer's deposit, once per {@code requestId}. */
    public List<Movement> deposit(final String consumerId, final long amount, final String requestId, final long at) {
        final String id = fundsId("d:", consumerId, amount, requestId);
        if (id == null) {
            return List.of();
        }
        final ConsumerAccount account = state.consumer(consumerId).deposit(amount);
        state.put(account);
        return record(List.of(consumerMove(id, Movement.Kind.DEPOSITED, amount, account, null, null, 0, "", at)));
    }

    /** A provider's stake, once per {@code requestId}. */
    public List<Movement> stake(final String providerId, final long amount, final String requestId, final long at) {
        final String id = fundsId("s:", providerId, amount, requestId);
        if (id == null) {
            return List.of();
        }
        final ProviderAccount account = state.provider(providerId).stake(amount);
        state.put(account);
        return record(List.of(new Movement(id, Movement.Kind.STAKED, amount, null, providerId, null, 0, "", at, -1, -1,
                account.stake(), 0)));
    }

    /**
     * The id of money brought into {@code accountId} by request {@code requestId} (length-prefixed, so no
     * two accounts' requests share one), or null when that request was applied already.
     */
    private String fundsId(final String prefix, final String accountId, final long amount, final String requestId) {
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be positive, was " + amount);
        }
        final String id = prefix + accountId.length() + ":" + accountId + "/" + requestId;
        return state.movement(id) != null ? null : id;
    }

    /**
     * An allocation was placed (change {@code sequence} of it): its first period is locked, or, when
     * the consumer cannot cover it, nothing moves and a {@code LOCK_REFUSED} says the allocation must go.
     */
    public List<Movement> placed(final String allocationId, final String consumerId, final String providerId,
                                 final String unitId, final String slaId, final long pricePerHourMicros, final long sequence,
                                 final long at) {
        if (state.escrow(allocationId) != null) {
            return List.of();
        }
        final Escrow opened = new Escrow(allocationId, consumerId, providerId, unitId, slaId == null ? "" : slaId,
                pricePerHourMicros, 0, at, at, 0, sequence, -1, false, Escrow.State.OPEN);
        return record(lockNext(opened, at));
    }

    /**
     * The running period of {@code allocationId} ended at {@code at}: its money goes out (to the
     * provider if the SLA held, back to the consumer if not) and the next period is locked.
     */
    public List<Movement> periodEnded(final String allocationId, final long at) {
        final Escrow escrow = state.escrow(allocationId);
        if (escrow == null || escrow.state() != Escrow.State.OPEN || at < escrow.periodEnd()) {
            return List.of();
        }
        final List<Movement> out = new ArrayList<>(settle(escrow, escrow.locked(), escrow.periodEnd()));
        out.addAll(lockNext(state.escrow(allocationId), escrow.periodEnd()));
        return record(out);
    }

    /**
     * The allocation ended (change {@code sequence}) at {@code at}: when it was {@code served} (released
     * after use) the part of the period it used is settled; the rest, or all of it when nothing was
     * served (a reservation that expired, provisioning that failed), is refunded, and the escrow closes.
     */
    public List<Movement> ended(final String allocationId, final long sequence, final long at, final boolean served) {
        final Escrow escrow = state.escrow(allocationId);
        if (escrow == null || escrow.lastSequence() >= sequence || escrow.state() == Escrow.State.CLOSED) {
            return List.of();
        }
        final List<Movement> out = new ArrayList<>(settle(escrow, served ? used(escrow, at) : 0, at));
        final Escrow settled = state.escrow(allocationId);
        state.put(settled.with(settled.period(), settled.periodStart(), settled.periodEnd(), 0, settled.breached(),
                Escrow.State.CLOSED).seen(sequence));
        return record(out);
    }

    /**
     * Provisioning failed and the allocation is being placed again (change {@code sequence}): the
     * provider served nothing, so all of the period's lock is refunded.
     */
    public List<Movement> replacing(final String allocationId, final long sequence, final long at) {
        final Escrow escrow = state.escrow(allocationId);
        if (escrow == null || escrow.lastSequence() >= sequence || escrow.state() != Escrow.State.OPEN) {
            return List.of();
        }
        final ConsumerAccount account = state.consumer(escrow.consumerId()).refund(escrow.locked());
        state.put(account);
        state.put(escrow.with(escrow.period(), escrow.periodStart(), at, 0, escrow.breached(), Escrow.State.OPEN)
                .seen(sequence));
        final List<Movement> out = new ArrayList<>();
        if (escrow.locked() > 0) {
            out.add(consumerMove(id(escrow, Movement.Kind.REFUNDED), Movement.Kind.REFUNDED, escrow.locked(), account,
                    escrow.providerId(), escrow.allocationId(), escrow.period(), "REPLACING", at));
        }
        return record(out);
    }

    /**
     * The allocation now lives on another unit (migrated, or placed again; change {@code sequence}):
     * the old provider's part of the period is settled, and a new period at the new price locked from {@code at}.
     */
    public List<Movement> moved(final String allocationId, final String providerId, final String unitId,
                                final long pricePerHourMicros, final long sequence, final long at) {
        final Escrow escrow = state.escrow(allocationId);
        if (escrow == null || escrow.lastSequence() >= sequence || escrow.state() == Escrow.State.CLOSED) {
            return List.of();
        }
        final List<Movement> out = new ArrayList<>();
        if (escrow.state() == Escrow.State.OPEN) {
            out.addAll(settle(escrow, used(escrow, at), at));
        }
        final Escrow settled = state.escrow(allocationId).movedTo(providerId, unitId, pricePerHourMicros).seen(sequence);
        out.addAll(lockNext(settled.with(settled.period(), at, at, 0, false, Escrow.State.OPEN), at));
        return record(out);
    }

    /**
     * The allocation's SLA ({@code penaltyPercent} per window of {@code windowMillis}) was breached on
     * its unit at {@code at}: the provider's stake pays the consumer the penalty, at most once per
     * window and never beyond what is staked, and the running period is refunded instead of released.
     */
    public List<Movement> breached(final String allocationId, final long windowMillis, final int penaltyPercent,
                                   final long at) {
        final Escrow escrow = state.escrow(allocationId);
        if (escrow == null || escrow.state() == Escrow.State.CLOSED || windowMillis <= 0) {
            return List.of();
        }
        final long window = at / windowMillis;
        if (window <= escrow.lastSlashWindow()) {
            return List.of();
        }
        // everything that may throw comes before the first write: an operation applies whole or not at all
        final ProviderAccount provider = state.provider(escrow.providerId());
        final long amount = Math.min(PaymentTerms.penalty(escrow.pricePerHourMicros(), windowMillis, penaltyPercent),
                provider.stake());
        final ProviderAccount slashedProvider = provider.slash(amount);
        final ConsumerAccount consumer = state.consumer(escrow.consumerId()).credit(amount);
        state.put(escrow.slashedIn(window));
        state.put(slashedProvider);
        state.put(consumer);
        final String reason = amount == 0 ? "SLA_BREACH; no stake left to slash" : "SLA_BREACH";
        return record(List.of(new Movement("a:" + escrow.allocationId() + "/w" + window + "/" + Movement.Kind.SLASHED,
                Movement.Kind.SLASHED, amount, escrow.consumerId(), escrow.providerId(), escrow.allocationId(),
                escrow.period(), reason, at, consumer.available(), consumer.locked(), slashedProvider.stake(), 0)));
    }

    /**
     * Settlement's reconciliation found Stellar disagreeing with the ledger about payment {@code paymentId}:
     * recorded once per {@code reportId}, moving nothing.
     */
    public List<Movement> drift(final String paymentId, final String what, final String reportId, final long at) {
        final String id = "r:" + reportId.length() + ":" + reportId + "/" + paymentId;
        if (state.movement(id) != null) {
            return List.of();
        }
        final Movement reported = state.movement(paymentId);
        return record(List.of(new Movement(id, Movement.Kind.DRIFT, 0, reported == null ? null : reported.consumerId(),
                reported == null ? null : reported.providerId(), reported == null ? null : reported.allocationId(),
                reported == null ? 0 : reported.period(), what, at, -1, -1, -1, 0)));
    }

    /** What an operator's reversal of a slash came to. */
    public enum Reversal { REVERSED, NOT_FOUND, NOT_A_SLASH, ALREADY_REVERSED, INSUFFICIENT_FUNDS }

    /** The answer to a reversal and the movements it made. */
    public record Reversed(Reversal outcome, List<Movement> movements) {
    }

    /**
     * An operator takes slash {@code slashId} back: the consumer's available balance returns it to the
     * provider's stake. Refused when the slash is unknown or already reversed, or when the consumer has
     * already spent the credit.
     */
    public Reversed reverse(final String slashId, final String operator, final long at) {
        final Movement slash = state.movement(slashId);
        if (slash == null) {
            return new Reversed(Reversal.NOT_FOUND, List.of());
        }
        if (slash.kind() != Movement.Kind.SLASHED) {
            return new Reversed(Reversal.NOT_A_SLASH, List.of());
        }
        if (state.reversed(slashId)) {
            return new Reversed(Reversal.ALREADY_REVERSED, List.of());
        }
        final ConsumerAccount consumer = state.consumer(slash.consumerId());
        if (consumer.available() < slash.amount()) {
            return new Reversed(Reversal.INSUFFICIENT_FUNDS, List.of());
        }
        final ConsumerAccount after = new ConsumerAccount(consumer.consumerId(), consumer.deposited(),
                Math.subtractExact(consumer.credited(), slash.amount()), Math.subtractExact(consumer.available(), slash.amount()),
                consumer.locked(), consumer.released(), consumer.fees(), consumer.refunded());
        state.put(after);
        final ProviderAccount provider = state.provider(slash.providerId()).unslash(slash.amount());
        state.put(provider);
        state.markReversed(slashId);
        return new Reversed(Reversal.REVERSED, record(List.of(new Movement(slashId + "/" + Movement.Kind.SLASH_REVERSED,
                Movement.Kind.SLASH_REVERSED, slash.amount(), slash.consumerId(), slash.providerId(), slash.allocationId(),
                slash.period(), "reversed by " + operator, at, after.available(), after.locked(), provider.stake(), 0))));
    }

    /** Pays out {@code used} of the escrow's lock (to the provider less the fee, or back when breached) and refunds the rest. */
    private List<Movement> settle(final Escrow escrow, final long used, final long at) {
        final List<Movement> out = new ArrayList<>(3);
        ConsumerAccount consumer = state.consumer(escrow.consumerId());
        final long toRelease = escrow.breached() ? 0 : used;
        if (toRelease > 0) {
            final long fee = terms.fee(toRelease);
            final long toProvider = toRelease - fee;
            consumer = consumer.release(toProvider, 0);
            final ProviderAccount provider = state.provider(escrow.providerId()).earn(toProvider);
            state.put(provider);
            out.add(new Movement(id(escrow, Movement.Kind.RELEASED), Movement.Kind.RELEASED, toProvider, escrow.consumerId(),
                    escrow.providerId(), escrow.allocationId(), escrow.period(), "", at, consumer.available(),
                    consumer.locked(), provider.stake(), 0));
            if (fee > 0) {
                consumer = consumer.release(0, fee);
                out.add(consumerMove(id(escrow, Movement.Kind.FEE), Movement.Kind.FEE, fee, consumer, escrow.providerId(),
                        escrow.allocationId(), escrow.period(), "", at));
            }
        }
        final long back = escrow.locked() - toRelease;
        if (back > 0) {
            consumer = consumer.refund(back);
            out.add(consumerMove(id(escrow, Movement.Kind.REFUNDED), Movement.Kind.REFUNDED, back, consumer,
                    escrow.providerId(), escrow.allocationId(), escrow.period(), escrow.breached() ? "SLA_BREACH" : "",
                    at));
        }
        state.put(consumer);
        state.put(escrow.with(escrow.period(), escrow.periodStart(), at, 0, escrow.breached(), escrow.state()));
        return out;
    }

    /** Locks the next period from {@code start}, or marks the escrow unfunded when the consumer cannot cover it. */
    private List<Movement> lockNext(final Escrow escrow, final long start) {
        final long cost = terms.periodCost(escrow.pricePerHourMicros());
        final ConsumerAccount consumer = state.consumer(escrow.consumerId());
        final int next = escrow.period() + 1;
        if (consumer.available() < cost) {
            final Escrow unfunded = escrow.with(next, start, start, 0, false, Escrow.State.UNFUNDED);
            state.put(unfunded);
            return List.of(consumerMove(id(unfunded, Movement.Kind.LOCK_REFUSED), Movement.Kind.LOCK_REFUSED, cost,
                    consumer, escrow.providerId(), escrow.allocationId(), next, "INSUFFICIENT_FUNDS", start));
        }
        final ConsumerAccount locked = consumer.lock(cost);
        final Escrow opened = escrow.with(next, start, Math.addExact(start, terms.periodMillis()), cost, false,
                Escrow.State.OPEN);
        state.put(locked);
        state.put(opened);
        return List.of(consumerMove(id(opened, Movement.Kind.LOCKED), Movement.Kind.LOCKED, cost, locked,
                escrow.providerId(), escrow.allocationId(), next, "", start));
    }

    /** The part of the period's lock used by {@code at}: pro rata of the time served, rounded down. */
    private static long used(final Escrow escrow, final long at) {
        if (escrow.state() != Escrow.State.OPEN || escrow.locked() == 0) {
            return 0;
        }
        final long length = escrow.periodEnd() - escrow.periodStart();
        final long served = Math.max(0, Math.min(length, at - escrow.periodStart()));
        if (length <= 0) {
            return escrow.locked();
        }
        return java.math.BigInteger.valueOf(escrow.locked()).multiply(java.math.BigInteger.valueOf(served))
                .divide(java.math.BigInteger.valueOf(length)).longValueExact();
    }

    private List<Movement> record(final List<Movement> movements) {
        final List<Movement> numbered = new ArrayList<>(movements.size());
        for (final Movement movement : movements) {
            final Movement next = movement.numbered(state.nextSequence());
            state.put(next);
            numbered.add(next);
        }
        return numbered;
    }

    private static String id(final Escrow escrow, final Movement.Kind kind) {
        return "a:" + escrow.allocationId() + "/p" + escrow.period() + "/" + kind;
    }

    private static Movement consumerMove(final String id, final Movement.Kind kind, final long amount,
                                         final ConsumerAccount account, final String providerId, final String allocationId,
                                         final int period, final String reason, final long at) {
        return new Movement(id, kind, amount, account.consumerId(), providerId, allocationId, period, reason, at,
                account.available(), account.locked(), -1, 0);
    }
}
