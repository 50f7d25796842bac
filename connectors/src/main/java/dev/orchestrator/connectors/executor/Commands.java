package dev.orchestrator.connectors.executor;

import dev.orchestrator.adapters.AdapterException;
import dev.orchestrator.adapters.Placement;
import dev.orchestrator.adapters.Workload;
import dev.orchestrator.avro.ExecutionJob;
import dev.orchestrator.avro.ExecutionOutcome;
import dev.orchestrator.avro.JobState;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.connectors.jobs.JobResult;
import java.time.Instant;

/** Translations between the wire records (commands, outcomes, job states) and what adapters take. */
final class Commands {
    private Commands() {
    }

    static Placement placement(final PlacementCommand command) {
        final var capacity = command.getCapacity();
        return new Placement(command.getCommandId(), command.getAllocationId(), command.getDemandId(), command.getConsumerId(),
                command.getDataUnitId(), command.getKind() == ResourceKind.COMPUTE ? Placement.Kind.COMPUTE : Placement.Kind.STORAGE,
                capacity.getCpuMillis(), capacity.getMemoryBytes(), capacity.getStorageBytes(), capacity.getGpuCount(),
                capacity.getGpuCount() > 0 ? capacity.getGpuType() : null, Workload.of(command.getLabels()));
    }

    static ExecutionOutcome outcome(final PlacementCommand command, final JobResult result, final Instant at) {
        return ExecutionOutcome.newBuilder()
                .setCommandId(command.getCommandId())
                .setAllocationId(command.getAllocationId())
                .setDataUnitId(command.getDataUnitId())
                .setStatus(result.status())
                .setEndpoint(result.endpoint())
                .setErrorCode(result.errorCode())
                .setErrorMessage(result.error())
                .setAttempts(result.attempts())
                .setAt(at)
                .setObserved(new java.util.HashMap<>(result.observed()))
                .build();
    }

    static ExecutionJob job(final PlacementCommand command, final JobState state, final int attempts,
                            final AdapterException.Kind errorKind, final String error, final int retries, final Instant at) {
        return ExecutionJob.newBuilder()
                .setCommandId(command.getCommandId())
                .setDataUnitId(command.getDataUnitId())
                .setAllocationId(command.getAllocationId())
                .setState(state)
                .setAttempts(attempts)
                .setErrorKind(errorKind == null ? null : errorKind.name())
                .setError(error)
                .setUpdatedAt(at)
                .setRetries(retries)
                .setCommand(command)
                .build();
    }
}
