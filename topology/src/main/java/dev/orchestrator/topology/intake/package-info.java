/**
 * Step 1, intake of demand: duplicates dropped, invalid demands refused with a reason, the rest routed to the deciding task; executors' outcomes routed to their unit's ledger.
 */
package dev.orchestrator.topology.intake;
