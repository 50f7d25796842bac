package dev.orchestrator.topology.admission;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.PolicyTerms;

/**
 * An amount of a consumer's limits, dimension by dimension: allocations, capacity (CPU, memory,
 * storage, GPUs) and money in base micro-units. {@link Long#MAX_VALUE} is "no limit" and stays so
 * under every operation; sums saturate and differences floor at zero, so no amount wraps or goes
 * negative whatever the inputs.
 */
public record LeaseAmount(long units, long cpuMillis, long memoryBytes, long storageBytes, long gpus, long money) {
    public static final LeaseAmount ZERO = new LeaseAmount(0, 0, 0, 0, 0, 0);
    public static final long NONE = Long.MAX_VALUE;
    public static final LeaseAmount UNLIMITED = new LeaseAmount(NONE, NONE, NONE, NONE, NONE, NONE);

    public LeaseAmount {
        if (units < 0 || cpuMillis < 0 || memoryBytes < 0 || storageBytes < 0 || gpus < 0 || money < 0) {
            throw new IllegalArgumentException("negative lease amount " + units + "/" + cpuMillis + "/" + memoryBytes
                    + "/" + storageBytes + "/" + gpus + "/" + money);
        }
    }

    /** What one allocation of {@code capacity} costing {@code money} up front takes. */
    public static LeaseAmount of(final Capacity capacity, final long money) {
        return new LeaseAmount(1, capacity.cpuMillis(), capacity.memoryBytes(), capacity.storageBytes(),
                capacity.gpuCount(), money);
    }

    /** The limits of a policy; a dimension the policy does not limit is {@link #NONE}. */
    public static LeaseAmount limitsOf(final PolicyTerms policy) {
        final Capacity max = policy.maxCapacity();
        return new LeaseAmount(policy.maxUnits() == Integer.MAX_VALUE ? NONE : policy.maxUnits(),
                max == null ? NONE : max.cpuMillis(), max == null ? NONE : max.memoryBytes(),
                max == null ? NONE : max.storageBytes(), max == null ? NONE : max.gpuCount(), policy.budgetMicros());
    }

    /** Whether a policy limits anything at all; a consumer without limits needs no lease. */
    public static boolean limits(final PolicyTerms policy) {
        return !limitsOf(policy).equals(UNLIMITED);
    }

    public LeaseAmount plus(final LeaseAmount other) {
        return new LeaseAmount(add(units, other.units), add(cpuMillis, other.cpuMillis), add(memoryBytes, other.memoryBytes),
                add(storageBytes, other.storageBytes), add(gpus, other.gpus), add(money, other.money));
    }

    /** This less {@code other}, each dimension floored at zero; an unlimited dimension stays unlimited. */
    public LeaseAmount minus(final LeaseAmount other) {
        return new LeaseAmount(sub(units, other.units), sub(cpuMillis, other.cpuMillis), sub(memoryBytes, other.memoryBytes),
                sub(storageBytes, other.storageBytes), sub(gpus, other.gpus), sub(money, other.money));
    }

    /** The smaller of the two in each dimension. */
    public LeaseAmount min(final LeaseAmount other) {
        return new LeaseAmount(Math.min(units, other.units), Math.min(cpuMillis, other.cpuMillis),
                Math.min(memoryBytes, other.memoryBytes), Math.min(storageBytes, other.storageBytes),
                Math.min(gpus, other.gpus), Math.min(money, other.money));
    }

    /** Whether this amount holds {@code wanted} in every dimension. */
    public boolean covers(final LeaseAmount wanted) {
        return units >= wanted.units && cpuMillis >= wanted.cpuMillis && memoryBytes >= wanted.memoryBytes
                && storageBytes >= wanted.storageBytes && gpus >= wanted.gpus && money >= wanted.money;
    }

    /** Whether {@code wanted} fits in every dimension but money: the quota part of a limit. */
    public boolean coversQuota(final LeaseAmount wanted) {
        return withMoney(0).covers(wanted.withMoney(0));
    }

    public LeaseAmount withMoney(final long amount) {
        return new LeaseAmount(units, cpuMillis, memoryBytes, storageBytes, gpus, amount);
    }

    /** {@code part} of each limited dimension (at least the whole of {@code floor}), nothing of an unlimited one. */
    public LeaseAmount share(final double part, final LeaseAmount floor) {
        return new LeaseAmount(shareOf(units, part, floor.units), shareOf(cpuMillis, part, floor.cpuMillis),
                shareOf(memoryBytes, part, floor.memoryBytes), shareOf(storageBytes, part, floor.storageBytes),
                shareOf(gpus, part, floor.gpus), shareOf(money, part, floor.money));
    }

    @JsonIgnore
    public boolean isZero() {
        return equals(ZERO);
    }

    private static long shareOf(final long value, final double part, final long floor) {
        if (value == NONE) {
            return 0;
        }
        return Math.min(value, Math.max(floor, (long) (value * part)));
    }

    private static long add(final long a, final long b) {
        return a == NONE || b == NONE || a + b < 0 ? NONE : a + b;
    }

    private static long sub(final long a, final long b) {
        if (a == NONE) {
            return NONE;
        }
        return b == NONE ? 0 : Math.max(0, a - b);
    }
}
