/**
 * The engine task as Kafka Streams runs it: one processor per partition that hands every input, and every message from another task, to its stage.
 */
package dev.orchestrator.topology.engine;
