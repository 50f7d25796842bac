/**
 * Step 5, Emit: the sink names and builders of everything the engine writes (results, audit events, metrics, dead letters).
 */
package dev.orchestrator.topology.emit;
