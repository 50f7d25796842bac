/**
 * Money (issue 15; begun, not yet wired): exact amounts as Stellar counts them, in stroops
 * (10^-7 of a unit), parsed from and written as Stellar's decimal strings.
 */
package dev.orchestrator.topology.money;
