/**
 * Step 7, Watch, acted on: the migration planner (keyed by provider) lets at most N make-before-break moves per provider run at once.
 */
package dev.orchestrator.topology.migration;
