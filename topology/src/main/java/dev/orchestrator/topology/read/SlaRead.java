package dev.orchestrator.topology.read;

/** An SLA's terms as the engine holds them. */
public record SlaRead(String slaId, double maxLatencyMillis, double minAvailability, long windowMillis, int penaltyPercent) {
}
