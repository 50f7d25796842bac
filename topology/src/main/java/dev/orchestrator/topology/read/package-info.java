/**
 * What the read API may see of the engine, in records of its own: the engine's internal records never cross this line.
 */
package dev.orchestrator.topology.read;
