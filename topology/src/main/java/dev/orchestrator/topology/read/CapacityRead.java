package dev.orchestrator.topology.read;

import dev.orchestrator.topology.model.Capacity;

/** Capacity in canonical units as reads show it: milli-CPU, bytes, GPUs and their model. */
public record CapacityRead(long cpuMillis, long memoryBytes, long storageBytes, int gpuCount, String gpuType) {
    public static final CapacityRead ZERO = new CapacityRead(0, 0, 0, 0, null);

    public static CapacityRead of(final Capacity capacity) {
        return capacity == null ? null : new CapacityRead(capacity.cpuMillis(), capacity.memoryBytes(),
                capacity.storageBytes(), capacity.gpuCount(), capacity.gpuType());
    }

    /** The amount on the dimension that decides fit for a kind: storage bytes or milli-CPU. */
    public long primary(final String kind) {
        return "STORAGE".equals(kind) ? storageBytes : cpuMillis;
    }
}
