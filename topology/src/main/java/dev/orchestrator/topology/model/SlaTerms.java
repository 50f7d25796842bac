package dev.orchestrator.topology.model;

/** Latency and availability targets a placement must meet, and the share of price slashed on breach. */
public record SlaTerms(String slaId, double maxLatencyMillis, double minAvailability, long windowMillis,
                       int penaltyPercent) {
}
