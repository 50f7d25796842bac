/**
 * Step 6, after the decision: executors' outcomes (ACTIVE, re-placement after a failure), releases, expiry and the end of allocations; and the unit lifecycle state machine (ACTIVE, MAINTENANCE, DECOMMISSIONING, DECOMMISSIONED).
 */
package dev.orchestrator.topology.lifecycle;
