/**
 * Step 4, Reserve: the capacity ledger (keyed by unit), the single writer of each unit's capacity, lifecycle and health; it issues the placement commands.
 */
package dev.orchestrator.topology.ledger;
