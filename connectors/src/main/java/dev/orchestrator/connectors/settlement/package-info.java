/**
 * Settlement on Stellar: which payments go on chain and as what ({@code SettlementPlan}), their
 * transactions built and signed offline ({@code EscrowTransactions}), landed exactly once
 * ({@code Settler}: envelope stored before submission, identical resubmission, resolution by hash,
 * a new sequence only after the old max time), as a Kafka Connect sink on {@code payments.v1}; and
 * {@code HorizonStandIn}, the Horizon that runs here.
 */
package dev.orchestrator.connectors.settlement;
