package dev.orchestrator.topology.admission;

import dev.orchestrator.topology.model.Capacity;

/**
 * What a consumer holds and owes. Pending reservations count as held, so concurrent demands cannot
 * together exceed a quota; {@code committedMicros} is the up-front cost of what is held,
 * {@code spentMicros} what ended allocations cost in the current budget period. Sums saturate, so
 * no number of huge holdings can wrap a total past the budget check.
 */
public record ConsumerAccount(int units, Capacity held, long committedMicros, long spentMicros, long periodStart) {
    public static ConsumerAccount empty(final long now) {
        return new ConsumerAccount(0, Capacity.ZERO, 0, 0, now);
    }

    public ConsumerAccount hold(final Capacity capacity, final long costMicros) {
        return new ConsumerAccount(units + 1, held.plus(capacity), Capacity.saturatedSum(committedMicros, costMicros), spentMicros,
                periodStart);
    }

    /** Gives back a hold; {@code spent} is what the allocation actually cost (0 when it never ran). */
    public ConsumerAccount settle(final Capacity capacity, final long costMicros, final long spent) {
        return new ConsumerAccount(Math.max(0, units - 1), held.minus(capacity),
                Math.max(0, committedMicros - costMicros), Capacity.saturatedSum(spentMicros, spent), periodStart);
    }

    /** Bills time already used, without changing what is held. */
    public ConsumerAccount charge(final long spent) {
        return new ConsumerAccount(units, held, committedMicros, Capacity.saturatedSum(spentMicros, spent), periodStart);
    }

    /** Starts a new budget period when the current one is over. */
    public ConsumerAccount rolled(final long now, final long periodMillis) {
        if (now - periodStart < periodMillis) {
            return this;
        }
        final long periods = (now - periodStart) / periodMillis;
        return new ConsumerAccount(units, held, committedMicros, 0, periodStart + periods * periodMillis);
    }
}
