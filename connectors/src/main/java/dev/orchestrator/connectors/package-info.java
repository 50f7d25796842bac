/**
 * Kafka Connect plugins: the command executor sink ({@code executor}), the job state machine it runs
 * ({@code jobs}, no Kafka types) and the telemetry source ({@code telemetry}).
 */
package dev.orchestrator.connectors;
