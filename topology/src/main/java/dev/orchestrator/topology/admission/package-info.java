/**
 * Step 2, Admit: a consumer's quotas and budget, checked and held before any unit is chosen. Plain Java, no Kafka types.
 */
package dev.orchestrator.topology.admission;
