package dev.orchestrator.adapters;

/**
 * One command's resources, as an adapter needs them: ids for idempotency and labels, the kind,
 * canonical capacity (millicores, bytes, GPUs and their model, lower case; null when any model will do),
 * and the workload to run on it ({@link Workload#NONE}: the adapter's default).
 */
public record Placement(String commandId, String allocationId, String demandId, String consumerId, String dataUnitId,
                        Kind kind, long cpuMillis, long memoryBytes, long storageBytes, int gpuCount, String gpuType,
                        Workload workload) {
    private static final java.util.regex.Pattern GPU_MODEL = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    /** What a placement asks for. */
    public enum Kind { STORAGE, COMPUTE }

    public Placement {
        workload = workload == null ? Workload.NONE : workload;
        if (commandId == null || commandId.isBlank()) {
            throw new IllegalArgumentException("a placement needs its command id (the idempotency key)");
        }
        if (cpuMillis < 0 || memoryBytes < 0 || storageBytes < 0 || gpuCount < 0) {
            throw new IllegalArgumentException("capacity must not be negative");
        }
        if (gpuType != null && !GPU_MODEL.matcher(gpuType).matches()) {
            // it ends up in a node selector, a task file and a market request: only a plain model name goes there
            throw new IllegalArgumentException("GPU model must be lower-case letters, digits and '-', up to 32");
        }
    }

    /** A placement with no workload of its own. */
    public Placement(final String commandId, final String allocationId, final String demandId, final String consumerId,
                     final String dataUnitId, final Kind kind, final long cpuMillis, final long memoryBytes,
                     final long storageBytes, final int gpuCount, final String gpuType) {
        this(commandId, allocationId, demandId, consumerId, dataUnitId, kind, cpuMillis, memoryBytes, storageBytes, gpuCount, gpuType,
                Workload.NONE);
    }

    /** A placement whose GPUs, if any, may be of any model. */
    public Placement(final String commandId, final String allocationId, final String demandId, final String consumerId,
                     final String dataUnitId, final Kind kind, final long cpuMillis, final long memoryBytes,
                     final long storageBytes, final int gpuCount) {
        this(commandId, allocationId, demandId, consumerId, dataUnitId, kind, cpuMillis, memoryBytes, storageBytes, gpuCount, null);
    }
}
