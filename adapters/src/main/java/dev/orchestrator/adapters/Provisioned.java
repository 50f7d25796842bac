package dev.orchestrator.adapters;

/** What a provision call left at the provider: the resource's name there, how to reach it, and its state. */
public record Provisioned(String commandId, String resource, String endpoint, LiveState state, boolean created) {
}
