/**
 * The unit lifecycle state machine the ledger applies (ACTIVE, MAINTENANCE, DECOMMISSIONING, DECOMMISSIONED). Plain Java, no Kafka types.
 */
package dev.orchestrator.topology.lifecycle;
