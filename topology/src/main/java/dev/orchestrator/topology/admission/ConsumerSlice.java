package dev.orchestrator.topology.admission;

import dev.orchestrator.topology.model.PolicyTerms;

/**
 * What one task (a slice) knows of a consumer: the policy's terms as its home task last said them
 * ({@code known} false until then; {@code terms} null when it has no policy, which limits nothing),
 * and, for a limited consumer, the lease it holds of the home's
 * book of {@code generation}. {@code unreported} is what it adopted when limits began to apply
 * (allocations it already held that no grant covers), owed to the home at its next recall.
 */
public record ConsumerSlice(PolicyTerms terms, boolean known, long generation, LeaseAmount granted,
                            LeaseAmount unreported) {
    public static final ConsumerSlice UNKNOWN = new ConsumerSlice(null, false, 0, LeaseAmount.ZERO, LeaseAmount.ZERO);

    /** What a recall takes back and what it reports adopted, with the slice after it. */
    public record Recalled(ConsumerSlice slice, LeaseAmount returned, LeaseAmount adopted) {
    }

    /** The terms that apply: the policy's, or no limits when there is none. */
    public PolicyTerms policy() {
        return terms == null ? PolicyTerms.UNLIMITED : terms;
    }

    /** Whether admissions need a lease. */
    public boolean limited() {
        return known && terms != null && LeaseAmount.limits(terms);
    }

    /**
     * The home's terms of book {@code ofGeneration} (from a grant, a copy or a recall). Where limits
     * begin to apply with a new generation, everything held ({@code usage}) is adopted as the lease
     * and owed to the home; a message of an older generation changes nothing.
     */
    public ConsumerSlice withTerms(final PolicyTerms next, final long ofGeneration, final LeaseAmount usage) {
        if (known && ofGeneration < generation) {
            return this;
        }
        if (next == null || !LeaseAmount.limits(next)) {
            return new ConsumerSlice(next, true, ofGeneration, LeaseAmount.ZERO, LeaseAmount.ZERO);
        }
        if (limited() && ofGeneration == generation) {
            return new ConsumerSlice(next, true, generation, granted, unreported);
        }
        return new ConsumerSlice(next, true, ofGeneration, usage, usage);
    }

    /** A grant of book {@code ofGeneration}: added when it is this slice's book, ignored when older. */
    public ConsumerSlice granted(final PolicyTerms next, final long ofGeneration, final LeaseAmount amount,
                                 final LeaseAmount usage) {
        final ConsumerSlice current = withTerms(next, ofGeneration, usage);
        if (!current.limited() || ofGeneration != current.generation) {
            return current;
        }
        return new ConsumerSlice(current.terms, true, current.generation, current.granted.plus(amount), current.unreported);
    }

    /** A recall of book {@code ofGeneration}: gives back what {@code usage} leaves unused and reports what was adopted. */
    public Recalled recall(final PolicyTerms next, final long ofGeneration, final LeaseAmount usage) {
        final ConsumerSlice current = withTerms(next, ofGeneration, usage);
        if (!current.limited() || ofGeneration != current.generation) {
            return new Recalled(current, LeaseAmount.ZERO, LeaseAmount.ZERO);
        }
        final LeaseAmount returned = current.granted.minus(usage);
        return new Recalled(new ConsumerSlice(current.terms, true, current.generation, current.granted.minus(returned),
                LeaseAmount.ZERO), returned, current.unreported);
    }

    /** Hands {@code amount} of this lease to another slice, with an allocation that moves there. */
    public ConsumerSlice handedOver(final LeaseAmount amount) {
        return limited() ? new ConsumerSlice(terms, true, generation, granted.minus(amount), unreported) : this;
    }

    /** The part of {@code share} this slice can hand over: what its lease holds of it. */
    public LeaseAmount transferable(final LeaseAmount share) {
        return limited() ? granted.min(share) : LeaseAmount.ZERO;
    }

    /** Whether {@code usage} plus {@code need} stays within the lease (always, for an unlimited consumer). */
    public boolean admits(final LeaseAmount usage, final LeaseAmount need) {
        return !limited() || granted.covers(usage.plus(need));
    }

    /** Whether the quota dimensions alone (allocations and capacity) admit {@code need}. */
    public boolean admitsQuota(final LeaseAmount usage, final LeaseAmount need) {
        return !limited() || granted.coversQuota(usage.plus(need));
    }

    /** Money this slice may still commit: what the lease holds beyond {@code usage}. */
    public long moneyLeft(final LeaseAmount usage) {
        return limited() ? granted.minus(usage).money() : Long.MAX_VALUE;
    }
}
