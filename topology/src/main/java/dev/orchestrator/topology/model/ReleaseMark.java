package dev.orchestrator.topology.model;

/** A RELEASE demand, kept where it arrived: it asked to free the allocation of {@code releaseOf}. */
public record ReleaseMark(String demandId, String consumerId, String releaseOf, long requestedAt) implements DemandRecord {
}
