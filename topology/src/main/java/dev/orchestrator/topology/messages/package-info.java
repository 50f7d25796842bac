/**
 * The typed messages between the engine's stages on its internal topics (to the decider, the ledger, the planner).
 */
package dev.orchestrator.topology.messages;
