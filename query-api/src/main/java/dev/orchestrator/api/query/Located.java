package dev.orchestrator.api.query;

/** A value read for a request, and whether it came from a standby copy that may lag. */
public record Located<T>(T value, boolean stale) {
}
