/**
 * Pricing (issue 15, item 1; not yet wired into scoring or the ledger): the price per hour a unit
 * asks at decision time, from its list price, its pool's utilization and its provider's
 * reliability, within the provider's floor and cap.
 */
package dev.orchestrator.topology.pricing;
