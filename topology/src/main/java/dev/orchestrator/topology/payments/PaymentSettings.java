package dev.orchestrator.topology.payments;

import dev.orchestrator.topology.money.PaymentTerms;

/**
 * Whether the engine charges for placements, on what terms, in which currency (the one funds
 * requests must name, and the engine's base currency, so prices need no conversion), and how often
 * the ledger looks for periods that ended.
 */
public record PaymentSettings(boolean enabled, PaymentTerms terms, String currency, long scanIntervalMillis) {
    public PaymentSettings {
        if (currency == null || !currency.matches("[A-Z0-9]{1,12}")) {
            throw new IllegalArgumentException("payments currency must be 1-12 upper-case letters or digits, was " + currency);
        }
        if (scanIntervalMillis < 10 || scanIntervalMillis > 60_000) {
            throw new IllegalArgumentException("payments scan interval must be 10 ms to 60 s, was " + scanIntervalMillis);
        }
    }

    /** Payments off: placements cost nothing and no ledger runs. */
    public static PaymentSettings off(final String currency) {
        return new PaymentSettings(false, PaymentTerms.defaults(), currency, 1_000);
    }

    /** Payments on with {@code terms}. */
    public static PaymentSettings on(final PaymentTerms terms, final String currency) {
        return new PaymentSettings(true, terms, currency, 1_000);
    }
}
