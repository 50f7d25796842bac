/**
 * Step 3, Score: filters and scorers over the units of the deciding task in a demand's scope, from the task's exact in-memory index. Plain Java, no Kafka types.
 */
package dev.orchestrator.topology.scoring;
