package dev.orchestrator.topology.ledger;

import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.lifecycle.OperatorState;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.Prices;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rules of the capacity ledger: a unit takes a reservation only when it takes placements, is
 * healthy, has the capacity free and is within the price cap; and which allocations must leave a
 * unit that no longer serves them.
 */
public final class CapacityLedger {
    private CapacityLedger() {
    }

    /** Empty when {@code unit} can hold {@code wanted} within {@code maxPriceMicros}; otherwise why not. */
    public static Optional<Refusal> refusal(final UnitState unit, final Capacity wanted, final long maxPriceMicros) {
        if (!unit.allocatable()) {
            return Optional.of(new Refusal(ReasonCode.NO_FEASIBLE_UNIT, "unit " + unit.unitId() + " is "
                    + (unit.health().healthy() ? unit.visibleState() : "unhealthy")));
        }
        if (unit.providerIneligible() != null) {
            return Optional.of(new Refusal(ReasonCode.NO_FEASIBLE_UNIT, unit.providerIneligible()));
        }
        if (!unit.free().covers(wanted)) {
            return Optional.of(new Refusal(ReasonCode.NO_CAPACITY, "unit " + unit.unitId() + " has too little free"));
        }
        final long price = price(unit, wanted);
        if (price > maxPriceMicros) {
            return Optional.of(new Refusal(ReasonCode.PRICE_CAP_EXCEEDED, "unit " + unit.unitId() + " costs " + price
                    + " micros/h"));
        }
        return Optional.empty();
    }

    /** What {@code wanted} costs per hour on {@code unit}: the same for scoring and for the charge. */
    public static long price(final UnitState unit, final Capacity wanted) {
        return Prices.proRata(unit.pricePerHourMicros(), unit.capacity(), wanted);
    }

    /**
     * Allocations that should leave this unit: every one it runs when the unit takes no placements
     * (maintenance, decommissioning, silent), otherwise those whose SLA its health no longer meets.
     * Migration targets and hosted holds are left alone: their moves are under way.
     */
    public static List<Held> toMigrate(final UnitState unit) {
        final List<Held> leaving = new ArrayList<>();
        final boolean unitGone = !unit.allocatable() && unit.operatorState() != OperatorState.DECOMMISSIONED;
        for (final Held held : unit.holds()) {
            if (held.role() != Held.Role.OWNED) {
                continue;
            }
            final boolean breached = held.confirmed() && held.hasSla()
                    && !unit.health().meets(held.slaMaxLatencyMillis(), held.slaMinAvailability());
            if (unitGone || breached) {
                leaving.add(held);
            }
        }
        return leaving;
    }

    /** Why a unit cannot take a reservation. */
    public record Refusal(ReasonCode reason, String detail) {
    }
}
