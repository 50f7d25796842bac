/**
 * Step 7, Watch, acted on: make-before-break moves of allocations away from units that no longer serve them, at most N in flight per provider (counted at the provider's home task), targets held by the task that owns the target unit.
 */
package dev.orchestrator.topology.migration;
