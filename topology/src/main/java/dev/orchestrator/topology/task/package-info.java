/**
 * What one engine task holds, in its stores and in memory, rebuilt from the stores whenever Streams starts the task; and the registry of the tasks running in this instance.
 */
package dev.orchestrator.topology.task;
