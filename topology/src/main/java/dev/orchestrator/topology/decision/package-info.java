/**
 * Steps 2 to 5 for one consumer's demands: the decision step (keyed by consumer) admits, scores, asks the ledger to reserve, and turns the answers into decisions, retries, re-placements and migrations.
 */
package dev.orchestrator.topology.decision;
