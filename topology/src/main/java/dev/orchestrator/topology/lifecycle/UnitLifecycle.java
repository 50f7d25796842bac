package dev.orchestrator.topology.lifecycle;

import dev.orchestrator.avro.DataUnitState;

/**
 * The data-unit state machine. Operators move a unit between ACTIVE (shown as AVAILABLE, RESERVED or
 * IN_USE by its reservations), MAINTENANCE and DECOMMISSIONING; DECOMMISSIONED is final and reached
 * only when no allocation is left. RESERVED and IN_USE are the ledger's to set, never an operator's.
 */
public final class UnitLifecycle {
    private UnitLifecycle() {
    }

    /** The state a unit shows: its operator state, or its usage when active. */
    public static DataUnitState visible(final OperatorState state, final boolean hasConfirmed, final boolean hasPending) {
        return switch (state) {
            case MAINTENANCE -> DataUnitState.MAINTENANCE;
            case DECOMMISSIONING -> DataUnitState.DECOMMISSIONING;
            case DECOMMISSIONED -> DataUnitState.DECOMMISSIONED;
            case ACTIVE -> hasConfirmed ? DataUnitState.IN_USE : hasPending ? DataUnitState.RESERVED : DataUnitState.AVAILABLE;
        };
    }

    /** Whether new placements may land on a unit in this state. */
    public static boolean acceptsPlacements(final OperatorState state) {
        return state == OperatorState.ACTIVE;
    }

    /** An operator's request to move a unit to {@code target}. */
    public static Transition request(final OperatorState current, final DataUnitState target, final boolean hasAllocations) {
        if (current == OperatorState.DECOMMISSIONED) {
            return Transition.refused(current, "unit is decommissioned; nothing can change it");
        }
        return switch (target) {
            case AVAILABLE -> current == OperatorState.DECOMMISSIONING
                    ? Transition.refused(current, "a decommissioning unit cannot return to service")
                    : Transition.to(OperatorState.ACTIVE);
            case MAINTENANCE -> current == OperatorState.DECOMMISSIONING
                    ? Transition.refused(current, "a decommissioning unit cannot go to maintenance")
                    : Transition.to(OperatorState.MAINTENANCE);
            case DECOMMISSIONING -> Transition.to(hasAllocations ? OperatorState.DECOMMISSIONING : OperatorState.DECOMMISSIONED);
            case DECOMMISSIONED -> hasAllocations
                    ? Transition.refused(current, "allocations remain; decommission (DECOMMISSIONING) first")
                    : Transition.to(OperatorState.DECOMMISSIONED);
            case RESERVED, IN_USE -> Transition.refused(current, target + " is set by the capacity ledger, not by operators");
            default -> Transition.refused(current, "unknown target state " + target);
        };
    }

    /** A decommissioning unit finishes once its last allocation has left. */
    public static OperatorState afterRelease(final OperatorState state, final boolean hasAllocations) {
        return state == OperatorState.DECOMMISSIONING && !hasAllocations ? OperatorState.DECOMMISSIONED : state;
    }
}
