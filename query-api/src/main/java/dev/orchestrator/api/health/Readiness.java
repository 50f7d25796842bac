package dev.orchestrator.api.health;

/** Whether this instance can answer queries and take writes right now. */
@FunctionalInterface
public interface Readiness {
    ReadinessReport report();
}
