/**
 * Settlement on Stellar (issue 15, item 4; begun): the escrow's transactions, built and signed
 * offline. Submission, the stored envelopes, the Horizon stand-in and the Connect sink on
 * {@code payments.v1} are not built yet.
 */
package dev.orchestrator.connectors.settlement;
