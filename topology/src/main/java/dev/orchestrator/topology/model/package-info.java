/**
 * The engine's own model of units, demands, allocations, capacities, prices, policies and SLAs, shared by every stage and stored as the task's records. Plain Java, no Kafka types.
 */
package dev.orchestrator.topology.model;
