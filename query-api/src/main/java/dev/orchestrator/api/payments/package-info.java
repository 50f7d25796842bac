/** The money side of the HTTP API: deposits, stakes, slash reversals, and reads of the escrow ledger. */
package dev.orchestrator.api.payments;
