/**
 * The engine's own model of units, demands, capacities, prices, policies and SLAs, shared by every stage. Plain Java, no Kafka types.
 */
package dev.orchestrator.topology.model;
