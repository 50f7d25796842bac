package dev.orchestrator.topology.lifecycle;

/** The part of a unit's state that operators set; usage (reserved, in use) is derived from its reservations. */
public enum OperatorState {
    ACTIVE, MAINTENANCE, DECOMMISSIONING, DECOMMISSIONED
}
