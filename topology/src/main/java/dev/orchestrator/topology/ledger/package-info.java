/**
 * Step 4, Reserve: the units a task owns, held exactly in memory, the single writer of their capacity, lifecycle and health; every change of a unit is numbered for the audit.
 */
package dev.orchestrator.topology.ledger;
