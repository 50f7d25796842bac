package dev.orchestrator.connectors.settlement;

import java.util.Optional;

/** What the settlement worker asks of Horizon. */
public interface Horizon {
    /** How a submission went. */
    enum Submitted { LANDED, TIMEOUT, BAD_SEQUENCE, TOO_LATE, FAILED, UNKNOWN }

    /** The answer to a submission, with Horizon's result code when it refused. */
    record Answer(Submitted outcome, String code) {
    }

    /** The current sequence of {@code account}. */
    long sequence(String account) throws java.io.IOException;

    /** Submits a stored envelope as it is. */
    Answer submit(String envelopeXdr);

    /** Whether the transaction {@code hash} is in the ledger (true: it succeeded; false: it failed); empty when unknown. */
    Optional<Boolean> find(String hash) throws java.io.IOException;

    /** Whether the claimable balance {@code id} is open (created and not claimed). */
    boolean balanceOpen(String id) throws java.io.IOException;
}
