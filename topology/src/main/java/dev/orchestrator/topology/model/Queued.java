package dev.orchestrator.topology.model;

/**
 * A PLACE demand held on the task it arrived at to be placed with the demands arriving beside it (joint
 * placement). Stored so a commit before its decision loses nothing; its decision replaces it under the same key,
 * which the store's cache usually folds into the one changelog record the placement writes anyway.
 */
public record Queued(String demandId, String consumerId, PlaceRequest request, long arrivedAt) implements DemandRecord {
}
