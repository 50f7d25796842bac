/**
 * How the engine encodes its stores and internal topics (Smile-encoded JSON with bounded decoding).
 */
package dev.orchestrator.topology.serde;
