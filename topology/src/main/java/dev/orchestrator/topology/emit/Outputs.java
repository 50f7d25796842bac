package dev.orchestrator.topology.emit;

import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.AuditEvent;
import dev.orchestrator.avro.EntityType;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.model.Capacity;
import java.time.Instant;

/** Builds the Avro records the engine publishes from its internal values. */
public final class Outputs {
    private Outputs() {
    }

    public static dev.orchestrator.avro.Capacity capacity(final Capacity capacity) {
        return new dev.orchestrator.avro.Capacity(capacity.cpuMillis(), capacity.memoryBytes(), capacity.storageBytes(),
                capacity.gpuCount(), capacity.gpuType());
    }

    public static AllocationResult.Builder result(final String demandId, final String consumerId,
                                                  final AllocationStatus status, final ReasonCode reason,
                                                  final long at) {
        return AllocationResult.newBuilder().setDemandId(demandId).setConsumerId(consumerId).setStatus(status)
                .setReason(reason).setDecidedAt(Instant.ofEpochMilli(at));
    }

    public static AllocationResult rejected(final String demandId, final String consumerId, final ReasonCode reason,
                                            final String detail, final long at) {
        return result(demandId, consumerId, AllocationStatus.REJECTED, reason, at).setReasonDetail(detail).build();
    }

    public static AuditEvent audit(final EntityType type, final String entityId, final long sequence,
                                   final String action, final String before, final String after, final String cause,
                                   final long at) {
        return AuditEvent.newBuilder().setEventId(type.name().toLowerCase(java.util.Locale.ROOT) + ":" + entityId
                        + ":" + sequence)
                .setEntityType(type).setEntityId(entityId).setSequence(sequence).setAction(action)
                .setBefore(before).setAfter(after).setCause(cause).setAt(Instant.ofEpochMilli(at)).build();
    }
}
