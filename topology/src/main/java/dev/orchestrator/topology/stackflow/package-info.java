/**
 * The stack stage wired into Kafka Streams: the stack engine's store, its processor (requests and the
 * outcomes of its demands in, demands out) and its place in the topology. The rules are in
 * {@link dev.orchestrator.topology.stacks}.
 */
package dev.orchestrator.topology.stackflow;
