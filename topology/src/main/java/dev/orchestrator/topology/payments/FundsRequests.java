package dev.orchestrator.topology.payments;

import dev.orchestrator.avro.FundsRequest;
import dev.orchestrator.avro.FundsRequestType;
import dev.orchestrator.topology.money.StellarAddress;
import dev.orchestrator.topology.money.Stroops;
import dev.orchestrator.topology.normalize.InvalidInputException;

/**
 * A funds request checked field by field, as the ledger will take it: the amount as Stellar writes
 * it (no sign, no exponent, at most 7 decimals, and a whole number of micro-units since the ledger
 * keeps micro-units), the platform's currency only, a valid Stellar address when one is given, ids
 * of sane length. The HTTP routes and the {@code funds.v1} intake use the same rules.
 */
public final class FundsRequests {
    /** Longest id accepted for an account, a request or a payment. */
    public static final int MAX_ID = 200;

    private FundsRequests() {
    }

    /** The ledger's input for {@code request}, or an {@link InvalidInputException} naming the field. */
    public static LedgerInput check(final FundsRequest request, final String currency, final long now) {
        final String requestId = id("requestId", request.getRequestId());
        final String accountId = id("accountId", request.getAccountId());
        final String by = request.getRequestedBy() == null ? "" : bounded("requestedBy", request.getRequestedBy());
        final long at = request.getRequestedAt() == null ? now : Math.max(0, Math.min(now, request.getRequestedAt().toEpochMilli()));
        final FundsRequestType type = request.getType();
        if (type == FundsRequestType.REVERSE_SLASH) {
            return new LedgerInput.Reverse(accountId, by, at);
        }
        if (type == FundsRequestType.DRIFT) {
            return new LedgerInput.Drift(accountId, request.getDetail() == null ? "" : bounded("detail", request.getDetail()),
                    requestId, at);
        }
        if (type != FundsRequestType.DEPOSIT && type != FundsRequestType.STAKE) {
            throw new InvalidInputException("type", "must be DEPOSIT, STAKE, REVERSE_SLASH or DRIFT");
        }
        if (request.getCurrency() == null || !request.getCurrency().equals(currency)) {
            throw new InvalidInputException("currency", "must be " + currency + ", the platform's settlement currency, was "
                    + shown(request.getCurrency()));
        }
        final long micros = micros(request.getAmount());
        final String address = request.getStellarAddress();
        if (address != null && !StellarAddress.valid(address)) {
            throw new InvalidInputException("stellarAddress", "is not a Stellar account address (G..., 56 characters, valid checksum)");
        }
        return new LedgerInput.Funds(type == FundsRequestType.DEPOSIT ? LedgerInput.Funds.Kind.DEPOSIT
                : LedgerInput.Funds.Kind.STAKE, accountId, micros, address, requestId, by, at);
    }

    /** A positive amount in Stellar's decimal form, as micro-units. */
    public static long micros(final String amount) {
        if (amount == null) {
            throw new InvalidInputException("amount", "is required");
        }
        final long stroops;
        try {
            stroops = Stroops.parse(amount);
        } catch (final IllegalArgumentException e) {
            throw new InvalidInputException("amount", e.getMessage());
        }
        if (stroops <= 0) {
            throw new InvalidInputException("amount", "must be more than 0");
        }
        if (stroops % 10 != 0) {
            throw new InvalidInputException("amount", "the ledger keeps micro-units: the 7th decimal must be 0, was " + shown(amount));
        }
        return stroops / 10;
    }

    private static String id(final String field, final String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException(field, "is required");
        }
        return bounded(field, value);
    }

    private static String bounded(final String field, final String value) {
        if (value.length() > MAX_ID || value.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException(field, "must be at most " + MAX_ID + " characters without control characters");
        }
        return value;
    }

    private static String shown(final String value) {
        if (value == null) {
            return "nothing";
        }
        return value.length() > 40 ? "'" + value.substring(0, 40) + "...'" : "'" + value + "'";
    }
}
