/**
 * After step 7, off the hot path: a periodic round per task that looks at its units, its open allocations and
 * the demand it recently turned away for lack of room, and asks the migration planner for the few moves that
 * free a unit for that demand (make-before-break, within the provider's migration slots and each consumer's
 * disruption limit).
 */
package dev.orchestrator.topology.optimize;
