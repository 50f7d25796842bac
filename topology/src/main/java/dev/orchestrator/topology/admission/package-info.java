/**
 * Step 2, Admit: a consumer's quotas and budget as leases. The consumer's home task keeps its book (grants never exceed the limits); every task admits against the lease it holds and asks the home for more when it runs out. Policies and SLAs are copied to every task.
 */
package dev.orchestrator.topology.admission;
