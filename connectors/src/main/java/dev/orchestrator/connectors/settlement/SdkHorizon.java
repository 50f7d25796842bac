package dev.orchestrator.connectors.settlement;

import java.io.IOException;
import java.util.Optional;
import org.stellar.sdk.Server;
import org.stellar.sdk.requests.ErrorResponse;
import org.stellar.sdk.responses.SubmitTransactionResponse;
import org.stellar.sdk.responses.SubmitTransactionTimeoutResponseException;
import org.stellar.sdk.responses.TransactionResponse;

/**
 * Horizon through stellar-sdk 0.44.0's {@link Server}: {@code submitTransactionXdr} (which sends the
 * stored envelope as it is, without the SDK's extra lookups), {@code transactions().transaction(hash)}
 * to resolve an outcome (404 when unknown), {@code accounts()} for the sequence.
 */
public final class SdkHorizon implements Horizon, AutoCloseable {
    private final Server server;

    public SdkHorizon(final String url) {
        this.server = new Server(url);
    }

    @Override
    public long sequence(final String account) throws IOException {
        return server.accounts().account(account).getSequenceNumber();
    }

    @Override
    public Answer submit(final String envelopeXdr) {
        try {
            final SubmitTransactionResponse response = server.submitTransactionXdr(envelopeXdr);
            if (response.isSuccess()) {
                return new Answer(Submitted.LANDED, "");
            }
            final String code = response.getExtras() == null || response.getExtras().getResultCodes() == null ? ""
                    : String.valueOf(response.getExtras().getResultCodes().getTransactionResultCode());
            return switch (code) {
                case "tx_bad_seq" -> new Answer(Submitted.BAD_SEQUENCE, code);
                case "tx_too_late" -> new Answer(Submitted.TOO_LATE, code);
                default -> new Answer(Submitted.FAILED, code);
            };
        } catch (final SubmitTransactionTimeoutResponseException e) {
            return new Answer(Submitted.TIMEOUT, "timeout");
        } catch (final IOException | RuntimeException e) {
            return new Answer(Submitted.UNKNOWN, e.getClass().getSimpleName());
        }
    }

    @Override
    public Optional<Boolean> find(final String hash) throws IOException {
        try {
            final TransactionResponse response = server.transactions().transaction(hash);
            return Optional.of(response.isSuccessful() == null || response.isSuccessful());
        } catch (final ErrorResponse e) {
            if (e.getCode() == 404) {
                return Optional.empty();
            }
            throw new IOException("Horizon answered " + e.getCode() + " for transaction " + hash, e);
        }
    }

    @Override
    public boolean balanceOpen(final String id) throws IOException {
        try {
            server.claimableBalances().claimableBalance(id);
            return true;
        } catch (final ErrorResponse e) {
            if (e.getCode() == 404) {
                return false;
            }
            throw new IOException("Horizon answered " + e.getCode() + " for claimable balance " + id, e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
