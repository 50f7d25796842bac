package dev.orchestrator.topology.payments;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** What the escrow ledger acts on, as it travels on its internal topic. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "t")
@JsonSubTypes({
    @JsonSubTypes.Type(value = LedgerInput.Change.class, name = "change"),
    @JsonSubTypes.Type(value = LedgerInput.Breach.class, name = "breach"),
    @JsonSubTypes.Type(value = LedgerInput.Funds.class, name = "funds"),
    @JsonSubTypes.Type(value = LedgerInput.Reverse.class, name = "reverse"),
    @JsonSubTypes.Type(value = LedgerInput.Drift.class, name = "drift")
})
public sealed interface LedgerInput {
    /** The key it travels under. */
    String key();

    /**
     * An allocation change that moves money ({@code action}: PLACED, REPLACED, MIGRATED, REPLACING,
     * RELEASED, EXPIRED), change number {@code sequence}, with the unit, provider and price after it.
     */
    record Change(String allocationId, String consumerId, String providerId, String unitId, String slaId,
                  long pricePerHourMicros, String action, long sequence, long at) implements LedgerInput {
        @Override
        public String key() {
            return allocationId;
        }
    }

    /** The SLA of an allocation broke on its unit at {@code at}: its terms say the window and the penalty. */
    record Breach(String allocationId, String unitId, long windowMillis, int penaltyPercent, long at)
            implements LedgerInput {
        @Override
        public String key() {
            return allocationId;
        }
    }

    /** A validated deposit (consumer) or stake (provider) of {@code micros}, once per {@code requestId}. */
    record Funds(Kind kind, String accountId, long micros, String stellarAddress, String requestId, String requestedBy,
                 long at) implements LedgerInput {
        /** Whose money. */
        public enum Kind { DEPOSIT, STAKE }

        @Override
        public String key() {
            return accountId;
        }
    }

    /** An operator's reversal of slash {@code paymentId}. */
    record Reverse(String paymentId, String requestedBy, long at) implements LedgerInput {
        @Override
        public String key() {
            return paymentId;
        }
    }

    /** Settlement's reconciliation reports that Stellar disagrees with the ledger about {@code paymentId}. */
    record Drift(String paymentId, String what, String reportId, long at) implements LedgerInput {
        @Override
        public String key() {
            return paymentId;
        }
    }
}
