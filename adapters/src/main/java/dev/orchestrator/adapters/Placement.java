package dev.orchestrator.adapters;

/**
 * One command's resources, as an adapter needs them: ids for idempotency and labels, the kind, and
 * canonical capacity (millicores, bytes, GPUs).
 */
public record Placement(String commandId, String allocationId, String demandId, String consumerId, String dataUnitId,
                        Kind kind, long cpuMillis, long memoryBytes, long storageBytes, int gpuCount) {
    /** What a placement asks for. */
    public enum Kind { STORAGE, COMPUTE }

    public Placement {
        if (commandId == null || commandId.isBlank()) {
            throw new IllegalArgumentException("a placement needs its command id (the idempotency key)");
        }
        if (cpuMillis < 0 || memoryBytes < 0 || storageBytes < 0 || gpuCount < 0) {
            throw new IllegalArgumentException("capacity must not be negative");
        }
    }
}
