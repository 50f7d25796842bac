/**
 * The decision engine as one Kafka Streams sub-topology ({@link dev.orchestrator.topology.DecisionTopology}):
 * the engine's settings, its store names and the packages of its steps, in data-flow order
 * (DESIGN.md section 3): normalize, intake, admission, scoring, decide, ledger, emit, lifecycle,
 * telemetry, migration; routing carries messages between tasks.
 */
package dev.orchestrator.topology;
