/**
 * Step 3, Score: filters and scorers over the units in a demand's scope, from the in-memory index of unit views. Plain Java, no Kafka types.
 */
package dev.orchestrator.topology.scoring;
