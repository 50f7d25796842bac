/**
 * Steps 2 to 5 for one demand, on the task it is on: admit against the lease, score the task's own units, reserve the best and write the decision; or move the demand to a task that can place it, once.
 */
package dev.orchestrator.topology.decide;
