package dev.orchestrator.topology.admission;

import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.PolicyTerms;
import java.util.Optional;

/** Quota and budget rules for one consumer, checked before any unit is looked at. */
public final class Admission {
    private Admission() {
    }

    /** Empty when the consumer may hold one more allocation of {@code wanted}; otherwise why not. */
    public static Optional<String> quotaProblem(final PolicyTerms policy, final ConsumerAccount account,
                                                final Capacity wanted) {
        if (account.units() + 1 > policy.maxUnits()) {
            return Optional.of("holds " + account.units() + " of " + policy.maxUnits() + " allowed allocations");
        }
        final Capacity max = policy.maxCapacity();
        if (max != null && !max.covers(account.held().plus(wanted))) {
            return Optional.of("would hold more capacity than its quota allows");
        }
        return Optional.empty();
    }

    /** Budget left for new commitments this period; {@link Long#MAX_VALUE} when unlimited. */
    public static long budgetLeft(final PolicyTerms policy, final ConsumerAccount account) {
        if (policy.budgetMicros() == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, policy.budgetMicros()
                - Capacity.saturatedSum(account.spentMicros(), account.committedMicros()));
    }

    /** The reason a demand fails admission: quota first, then a budget already spent. */
    public static Optional<ReasonCode> refusal(final PolicyTerms policy, final ConsumerAccount account,
                                               final Capacity wanted) {
        if (quotaProblem(policy, account, wanted).isPresent()) {
            return Optional.of(ReasonCode.QUOTA_EXCEEDED);
        }
        if (budgetLeft(policy, account) == 0) {
            return Optional.of(ReasonCode.BUDGET_EXCEEDED);
        }
        return Optional.empty();
    }
}
