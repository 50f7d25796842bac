package dev.orchestrator.topology.emit;

import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.UnitKind;
import dev.orchestrator.topology.model.UnitSpec;
import java.time.Instant;

/** The commands executors run, one per reservation, release or orphan. */
public final class Commands {
    private Commands() {
    }

    /**
     * Provision (or migrate to, from {@code source}) on {@code unit}, or deprovision there, what an
     * allocation holds; {@code deadline} (0 for none) is when the reservation lapses unconfirmed;
     * {@code workload} is what is to run there (empty for a deprovision or a bare placement).
     */
    public static PlacementCommand of(final CommandType type, final String commandId, final String allocationId,
                                      final String consumerId, final UnitSpec unit, final Capacity capacity,
                                      final String source, final Money pricePerHour, final long deadline, final long now,
                                      final java.util.Map<String, String> workload) {
        return PlacementCommand.newBuilder()
                .setCommandId(commandId).setType(type).setAllocationId(allocationId)
                .setDemandId(allocationId).setConsumerId(consumerId)
                .setProviderId(unit.providerId()).setDataUnitId(unit.unitId()).setSourceDataUnitId(source)
                .setKind(kind(unit)).setCapacity(Outputs.capacity(capacity))
                .setPricePerHour(pricePerHour)
                .setIssuedAt(Instant.ofEpochMilli(now))
                .setDeadline(deadline > 0 ? Instant.ofEpochMilli(deadline) : null)
                .setLabels(workload.isEmpty() ? java.util.Map.of() : new java.util.HashMap<>(workload))
                .build();
    }

    /** Removes what {@code commandId} provisioned on {@code unit} for an allocation the unit no longer holds. */
    public static PlacementCommand orphan(final UnitSpec unit, final String commandId, final String allocationId, final long now) {
        return PlacementCommand.newBuilder()
                .setCommandId(commandId + ":orphan").setType(CommandType.DEPROVISION)
                .setAllocationId(allocationId).setDemandId(allocationId).setConsumerId("")
                .setProviderId(unit.providerId()).setDataUnitId(unit.unitId())
                .setKind(kind(unit)).setCapacity(Outputs.capacity(Capacity.ZERO))
                .setIssuedAt(Instant.ofEpochMilli(now)).build();
    }

    /**
     * Reads what the provider shows of {@code allocationId} on {@code unitId} for drift check {@code checkId};
     * the executor answers CHECKED and changes nothing.
     */
    public static PlacementCommand check(final String checkId, final String allocationId, final String consumerId,
                                         final String providerId, final String unitId, final boolean compute, final long now) {
        return PlacementCommand.newBuilder()
                .setCommandId(checkCommandId(allocationId, checkId)).setType(CommandType.CHECK)
                .setAllocationId(allocationId).setDemandId(allocationId).setConsumerId(consumerId)
                .setProviderId(providerId == null ? "" : providerId).setDataUnitId(unitId)
                .setKind(compute ? ResourceKind.COMPUTE : ResourceKind.STORAGE).setCapacity(Outputs.capacity(Capacity.ZERO))
                .setIssuedAt(Instant.ofEpochMilli(now)).build();
    }

    /** The id of check {@code checkId}'s command for {@code allocationId}; {@link #checkOf} reads the check back. */
    public static String checkCommandId(final String allocationId, final String checkId) {
        return allocationId + CHECK + checkId;
    }

    /** The check id in a check command's id, or null when {@code commandId} is not one. */
    public static String checkOf(final String commandId) {
        final int at = commandId == null ? -1 : commandId.lastIndexOf(CHECK);
        return at < 0 ? null : commandId.substring(at + CHECK.length());
    }

    private static final String CHECK = ":check:";

    private static ResourceKind kind(final UnitSpec unit) {
        return unit.kind() == UnitKind.STORAGE ? ResourceKind.STORAGE : ResourceKind.COMPUTE;
    }
}
