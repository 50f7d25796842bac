package dev.orchestrator.topology.ledger;

import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.topology.emit.Outputs;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.Reservation;
import dev.orchestrator.topology.model.UnitKind;
import dev.orchestrator.topology.model.UnitSpec;
import java.time.Instant;

/** The commands the ledger tells executors to run, built from a reservation or from an orphaned outcome. */
final class LedgerCommands {
    private LedgerCommands() {
    }

    /** Provision, migrate to or deprovision from {@code unit} what {@code reservation} holds there. */
    static PlacementCommand of(final CommandType type, final Reservation reservation, final UnitSpec unit, final String source,
                               final String commandId, final Money pricePerHour, final long now) {
        return PlacementCommand.newBuilder()
                .setCommandId(commandId).setType(type).setAllocationId(reservation.allocationId())
                .setDemandId(reservation.demandId()).setConsumerId(reservation.consumerId())
                .setProviderId(unit.providerId()).setDataUnitId(unit.unitId()).setSourceDataUnitId(source)
                .setKind(kind(unit)).setCapacity(Outputs.capacity(reservation.capacity()))
                .setPricePerHour(pricePerHour)
                .setIssuedAt(Instant.ofEpochMilli(now))
                .setDeadline(type == CommandType.DEPROVISION ? null : Instant.ofEpochMilli(reservation.confirmBy()))
                .build();
    }

    /** Removes what {@code commandId} provisioned on {@code unit} for an allocation the unit no longer holds. */
    static PlacementCommand orphan(final UnitSpec unit, final String commandId, final String allocationId, final long now) {
        return PlacementCommand.newBuilder()
                .setCommandId(commandId + ":orphan").setType(CommandType.DEPROVISION)
                .setAllocationId(allocationId).setDemandId(allocationId).setConsumerId("")
                .setProviderId(unit.providerId()).setDataUnitId(unit.unitId())
                .setKind(kind(unit)).setCapacity(Outputs.capacity(Capacity.ZERO))
                .setIssuedAt(Instant.ofEpochMilli(now)).build();
    }

    private static ResourceKind kind(final UnitSpec unit) {
        return unit.kind() == UnitKind.STORAGE ? ResourceKind.STORAGE : ResourceKind.COMPUTE;
    }
}
