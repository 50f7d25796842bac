package dev.orchestrator.topology.payments;

import dev.orchestrator.topology.money.StellarAddress;
import dev.orchestrator.topology.normalize.InvalidInputException;

/**
 * What the ledger takes from its own topic, checked before it touches the books. The engine and the
 * funds intake only send what passes, so a record that fails was crafted or written by a bug: it is
 * refused naming the field, never half applied.
 */
public final class LedgerInputs {
    /** The ledger's actions on allocation changes; any other is not one. */
    private static final java.util.Set<String> ACTIONS = java.util.Set.of("PLACED", "REPLACED", "MIGRATED", "REPLACING",
            "RELEASED", "EXPIRED", "FAILED", "REJECTED", "PREEMPTED");
    /** Engine ids are at most 128 characters, funds ids {@link FundsRequests#MAX_ID}: no input of ours is longer. */
    static final int MAX_ID = FundsRequests.MAX_ID;
    /** The largest Stellar amount (2^63 - 1 stroops) in the ledger's micro-units, as a funds request can bring at most. */
    static final long MAX_MICROS = Long.MAX_VALUE / 10;
    /** 9999-12-31T23:59:59.999Z. */
    private static final long LATEST = 253_402_300_799_999L;

    private LedgerInputs() {
    }

    /** {@code input} if the ledger can apply it; otherwise an {@link InvalidInputException} naming the field. */
    public static LedgerInput check(final LedgerInput input) {
        if (input instanceof LedgerInput.Change c) {
            id("allocationId", c.allocationId());
            id("consumerId", c.consumerId());
            id("providerId", c.providerId());
            id("unitId", c.unitId());
            if (c.slaId() != null) {
                bounded("slaId", c.slaId());
            }
            if (c.action() == null || !ACTIONS.contains(c.action())) {
                throw new InvalidInputException("action", "is not an allocation change the ledger knows");
            }
            notNegative("pricePerHourMicros", c.pricePerHourMicros());
            notNegative("sequence", c.sequence());
            instant("at", c.at());
        } else if (input instanceof LedgerInput.Breach b) {
            id("allocationId", b.allocationId());
            id("unitId", b.unitId());
            if (b.windowMillis() <= 0) {
                throw new InvalidInputException("windowMillis", "must be more than 0");
            }
            if (b.penaltyPercent() < 0 || b.penaltyPercent() > 100) {
                throw new InvalidInputException("penaltyPercent", "must be from 0 to 100");
            }
            instant("at", b.at());
        } else if (input instanceof LedgerInput.Funds f) {
            if (f.kind() == null) {
                throw new InvalidInputException("kind", "is required");
            }
            id("accountId", f.accountId());
            id("requestId", f.requestId());
            if (f.micros() <= 0 || f.micros() > MAX_MICROS) {
                throw new InvalidInputException("micros", "must be more than 0 and at most what one Stellar amount holds");
            }
            if (f.stellarAddress() != null && !StellarAddress.valid(f.stellarAddress())) {
                throw new InvalidInputException("stellarAddress", "is not a Stellar account address");
            }
            if (f.requestedBy() != null) {
                bounded("requestedBy", f.requestedBy());
            }
            instant("at", f.at());
        } else if (input instanceof LedgerInput.Reverse r) {
            id("paymentId", r.paymentId());
            if (r.requestedBy() != null) {
                bounded("requestedBy", r.requestedBy());
            }
            instant("at", r.at());
        } else if (input instanceof LedgerInput.Drift d) {
            id("paymentId", d.paymentId());
            id("reportId", d.reportId());
            if (d.what() != null) {
                bounded("what", d.what());
            }
            instant("at", d.at());
        }
        return input;
    }

    private static void id(final String field, final String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidInputException(field, "is required");
        }
        bounded(field, value);
    }

    private static void bounded(final String field, final String value) {
        if (value.length() > MAX_ID) {
            throw new InvalidInputException(field, "must be at most " + MAX_ID + " characters");
        }
    }

    private static void notNegative(final String field, final long value) {
        if (value < 0) {
            throw new InvalidInputException(field, "must not be negative");
        }
    }

    /** A time from 1970 to the end of year 9999: later ones overflow the period arithmetic. */
    private static void instant(final String field, final long value) {
        if (value < 0 || value > LATEST) {
            throw new InvalidInputException(field, "must be a time from 1970 to 9999 in epoch milliseconds");
        }
    }
}
