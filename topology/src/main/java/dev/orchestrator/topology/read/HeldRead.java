package dev.orchestrator.topology.read;

/**
 * One allocation's hold on a unit: {@code role} OWNED (the unit it runs on), MIGRATION_TARGET or
 * HOSTED (where it is moving to); {@code confirmed} once provisioned; {@code sla} whether it has
 * latency or availability targets, and {@code meeting} whether the unit meets them now.
 */
public record HeldRead(String allocationId, String consumerId, CapacityRead capacity, String role, boolean confirmed,
                       boolean sla, boolean meeting) {
}
