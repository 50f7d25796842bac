/**
 * Step 8, Pay: the escrow ledger as its own stage. The engine tells it of every allocation change
 * that moves money and of every SLA breach, on a one-partition internal topic; deposits, stakes and
 * reversals come from {@code funds.v1} through {@link dev.orchestrator.topology.payments.FundsIntake}.
 * One task applies {@link dev.orchestrator.topology.money.EscrowLedger}'s rules and writes every
 * movement to {@code payments.v1}, in the same transaction as its stores.
 */
package dev.orchestrator.topology.payments;
