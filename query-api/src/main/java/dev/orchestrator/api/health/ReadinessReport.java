package dev.orchestrator.api.health;

/** The engine's readiness and, when not ready, the state that keeps it from being so. */
public record ReadinessReport(boolean ready, String state) {
}
