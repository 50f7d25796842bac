/**
 * Step 1, intake: a demand is deduplicated, validated and decided where it arrives (or refused with a
 * reason); an executor's outcome goes on to the task that owns its unit.
 */
package dev.orchestrator.topology.intake;
