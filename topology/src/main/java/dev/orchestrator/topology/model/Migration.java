package dev.orchestrator.topology.model;

import java.util.List;

/**
 * A make-before-break move under way: the target unit (empty while a remote task is still choosing
 * one) on {@code targetPartition}'s task, the MIGRATE command and its deadline, and the provider
 * whose migration slot it uses. {@code reserved} once the target holds the capacity; the old unit is
 * released only when the target is confirmed.
 */
public record Migration(String targetUnit, int targetPartition, String commandId, long confirmBy, boolean reserved,
                        String slotProvider, String reason, List<Integer> triedPartitions, String targetProvider,
                        String targetRegion, long targetPricePerHourMicros) {
    public Migration {
        triedPartitions = List.copyOf(triedPartitions);
    }

    public Migration reservedOn(final String unit, final String provider, final String region, final long price,
                                final long deadline) {
        return new Migration(unit, targetPartition, commandId, deadline, true, slotProvider, reason, triedPartitions,
                provider, region, price);
    }
}
