/**
 * Money rules free of Kafka: the escrow ledger ({@link dev.orchestrator.topology.money.EscrowLedger}) over
 * consumer and provider accounts and per-allocation escrows, the books check over its movements
 * ({@link dev.orchestrator.topology.money.Books}), exact Stellar amounts in stroops and account addresses.
 */
package dev.orchestrator.topology.money;
