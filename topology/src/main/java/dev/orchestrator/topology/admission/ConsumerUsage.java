package dev.orchestrator.topology.admission;

import dev.orchestrator.topology.model.Capacity;

/**
 * What a consumer's allocations owned by one task hold: allocations, capacity, the up-front cost
 * committed for them, and what allocations that ended cost in the current budget period. Budget
 * periods are aligned to the epoch (a DAY budget starts again at 00:00 UTC), so every task agrees
 * on them. Kept in memory and rebuilt from the task's allocation records when the task starts.
 */
public final class ConsumerUsage {
    private long units;
    private long cpuMillis;
    private long memoryBytes;
    private long storageBytes;
    private long gpus;
    private long committed;
    private long spent;
    private long period = Long.MIN_VALUE;

    /** What is held now, money being committed plus spent in the period of {@code now}. */
    public LeaseAmount amount(final long now, final long periodMillis) {
        roll(now, periodMillis);
        return new LeaseAmount(units, cpuMillis, memoryBytes, storageBytes, gpus, Capacity.saturatedSum(committed, spent));
    }

    public void hold(final Capacity capacity, final long cost) {
        units++;
        cpuMillis = Capacity.saturatedSum(cpuMillis, capacity.cpuMillis());
        memoryBytes = Capacity.saturatedSum(memoryBytes, capacity.memoryBytes());
        storageBytes = Capacity.saturatedSum(storageBytes, capacity.storageBytes());
        gpus = Capacity.saturatedSum(gpus, capacity.gpuCount());
        committed = Capacity.saturatedSum(committed, cost);
    }

    /** An allocation left this task (ended, failed, or moved to another): its hold is given back. */
    public void release(final Capacity capacity, final long cost) {
        units = Math.max(0, units - 1);
        cpuMillis = Math.max(0, cpuMillis - capacity.cpuMillis());
        memoryBytes = Math.max(0, memoryBytes - capacity.memoryBytes());
        storageBytes = Math.max(0, storageBytes - capacity.storageBytes());
        gpus = Math.max(0, gpus - capacity.gpuCount());
        committed = Math.max(0, committed - cost);
    }

    /** What an allocation that ended at {@code endedAt} cost, counted when that is in the current period. */
    public void spent(final long amount, final long endedAt, final long now, final long periodMillis) {
        roll(now, periodMillis);
        if (Math.floorDiv(endedAt, Math.max(1, periodMillis)) == period) {
            spent = Capacity.saturatedSum(spent, amount);
        }
    }

    public boolean isEmpty() {
        return units == 0 && spent == 0;
    }

    private void roll(final long now, final long periodMillis) {
        final long current = Math.floorDiv(now, Math.max(1, periodMillis));
        if (current != period) {
            period = current;
            spent = 0;
        }
    }
}
