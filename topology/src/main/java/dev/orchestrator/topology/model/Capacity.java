package dev.orchestrator.topology.model;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Capacity in canonical units. Sums saturate at {@code Long.MAX_VALUE} instead of wrapping, so a pool
 * or a consumer's holdings of many huge units never turn negative; nothing goes below zero silently.
 */
public record Capacity(long cpuMillis, long memoryBytes, long storageBytes, int gpuCount, String gpuType) {
    public static final Capacity ZERO = new Capacity(0, 0, 0, 0, null);

    public Capacity {
        if (cpuMillis < 0 || memoryBytes < 0 || storageBytes < 0 || gpuCount < 0) {
            throw new IllegalArgumentException("negative capacity " + cpuMillis + "/" + memoryBytes + "/"
                    + storageBytes + "/" + gpuCount);
        }
    }

    public Capacity plus(final Capacity other) {
        return new Capacity(saturatedSum(cpuMillis, other.cpuMillis), saturatedSum(memoryBytes, other.memoryBytes),
                saturatedSum(storageBytes, other.storageBytes), (int) Math.min(Integer.MAX_VALUE,
                (long) gpuCount + other.gpuCount), gpuType != null ? gpuType : other.gpuType);
    }

    /** What is left after taking {@code other}; callers check {@link #covers} first (a saturated sum floors at zero). */
    public Capacity minus(final Capacity other) {
        return new Capacity(Math.max(0, cpuMillis - other.cpuMillis), Math.max(0, memoryBytes - other.memoryBytes),
                Math.max(0, storageBytes - other.storageBytes), Math.max(0, gpuCount - other.gpuCount), gpuType);
    }

    /** Whether this much free capacity can hold {@code wanted}, dimension by dimension, GPU model included. */
    public boolean covers(final Capacity wanted) {
        return cpuMillis >= wanted.cpuMillis && memoryBytes >= wanted.memoryBytes
                && storageBytes >= wanted.storageBytes && gpuCount >= wanted.gpuCount
                && (wanted.gpuCount == 0 || wanted.gpuType == null || wanted.gpuType.equals(gpuType));
    }

    @JsonIgnore
    public boolean isZero() {
        return cpuMillis == 0 && memoryBytes == 0 && storageBytes == 0 && gpuCount == 0;
    }

    /** Fraction of {@code total} this amount uses on its fullest dimension, in [0, 1]. */
    public double utilizationOf(final Capacity total) {
        double max = 0;
        max = Math.max(max, ratio(cpuMillis, total.cpuMillis));
        max = Math.max(max, ratio(memoryBytes, total.memoryBytes));
        max = Math.max(max, ratio(storageBytes, total.storageBytes));
        max = Math.max(max, ratio(gpuCount, total.gpuCount));
        return Math.min(1.0, max);
    }

    /** {@code a + b} for non-negative amounts, or {@code Long.MAX_VALUE} where the sum would overflow. */
    public static long saturatedSum(final long a, final long b) {
        final long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    private static double ratio(final long part, final long whole) {
        return whole <= 0 ? 0 : Math.min(1.0, Math.max(0.0, (double) part / whole));
    }
}
