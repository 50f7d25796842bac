/**
 * Step 5, Emit: the one place a task writes to a topic, and the builders of what it writes (decision records that carry their audit, commands, unit audit events, metrics, dead letters).
 */
package dev.orchestrator.topology.emit;
