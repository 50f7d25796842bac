package dev.orchestrator.topology.money;

/**
 * One allocation's escrow: the period now running ({@code period} from 1, {@code periodStart} to
 * {@code periodEnd}, epoch millis) and what is locked for it, at the allocation's price when the
 * period began. {@code lastSequence} is the allocation change last applied, so a replayed decision
 * record moves no money twice; {@code lastSlashWindow} the breach window last slashed (-1 for none),
 * so one breach window is slashed once; {@code breached} whether the SLA broke during this period,
 * which refunds the period instead of releasing it.
 */
public record Escrow(String allocationId, String consumerId, String providerId, String unitId, String slaId,
                     long pricePerHourMicros, int period, long periodStart, long periodEnd, long locked,
                     long lastSequence, long lastSlashWindow, boolean breached, State state) {
    /** Where an escrow is. */
    public enum State {
        /** A period is locked and running. */
        OPEN,
        /** The consumer could not pay for the period; nothing is locked, the allocation is being released. */
        UNFUNDED,
        /** The allocation ended; whatever was locked went out. */
        CLOSED
    }

    Escrow with(final int nextPeriod, final long start, final long end, final long nextLocked, final boolean nextBreached,
                final State nextState) {
        return new Escrow(allocationId, consumerId, providerId, unitId, slaId, pricePerHourMicros, nextPeriod, start, end,
                nextLocked, lastSequence, lastSlashWindow, nextBreached, nextState);
    }

    Escrow seen(final long sequence) {
        return new Escrow(allocationId, consumerId, providerId, unitId, slaId, pricePerHourMicros, period, periodStart,
                periodEnd, locked, Math.max(sequence, lastSequence), lastSlashWindow, breached, state);
    }

    Escrow slashedIn(final long window) {
        return new Escrow(allocationId, consumerId, providerId, unitId, slaId, pricePerHourMicros, period, periodStart,
                periodEnd, locked, lastSequence, window, true, state);
    }

    Escrow movedTo(final String nextProvider, final String nextUnit, final long nextPrice) {
        return new Escrow(allocationId, consumerId, nextProvider, nextUnit, slaId, nextPrice, period, periodStart, periodEnd,
                locked, lastSequence, lastSlashWindow, breached, state);
    }
}
