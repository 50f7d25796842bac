/**
 * Step 7, Watch: what a unit's telemetry says about its health (smoothed latency, availability, heartbeat age). Plain Java, no Kafka types.
 */
package dev.orchestrator.topology.telemetry;
