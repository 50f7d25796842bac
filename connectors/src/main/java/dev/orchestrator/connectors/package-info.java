/**
 * Kafka Connect plugins: the command executor sink and the telemetry source. Not built yet: the
 * execution side is issue 6, and this module holds only its place in the build.
 */
package dev.orchestrator.connectors;
