package dev.orchestrator.topology.admission;

import dev.orchestrator.topology.model.PolicyTerms;
import java.util.HashSet;
import java.util.Set;

/**
 * What one task (a slice) knows of a consumer: the policy's terms as its home task last said them
 * ({@code known} false until then; {@code terms} null when it has no policy, which limits nothing),
 * and, for a limited consumer, its lease of the home's book of {@code generation}, in two parts.
 * {@code granted} is what the home granted: the slice may use it again and again. {@code adopted}
 * is what the slice already held when limits began to apply (or changed), which no grant covers: it
 * only follows the slice's use down, so room an adopted allocation leaves is not used again without
 * a grant, and a limit below what is held becomes exact as allocations end. {@code unreported} is
 * the part of the adoption the home has not heard of, {@code shrunk} what the adoption lost since
 * the home last heard; both go to the home with the next answer to a recall. {@code departing} are
 * the allocations handed over to other tasks that have not arrived yet; {@code deferredEpoch} the
 * recall whose answer waits for them ({@link #defers}).
 *
 * <p>Every operation takes what the slice's allocations hold now ({@code usage}); a caller settles
 * the slice ({@link #settled}) before its use grows, so an adoption never grows back.
 */
public record ConsumerSlice(PolicyTerms terms, boolean known, long generation, LeaseAmount granted,
                            LeaseAmount adopted, LeaseAmount unreported, LeaseAmount shrunk, Set<String> departing,
                            int deferredEpoch) {
    /** {@code deferredEpoch} when no recall waits. */
    public static final int NO_RECALL = -1;
    public static final ConsumerSlice UNKNOWN = new ConsumerSlice(null, false, 0, LeaseAmount.ZERO, LeaseAmount.ZERO,
            LeaseAmount.ZERO, LeaseAmount.ZERO, Set.of(), NO_RECALL);

    public ConsumerSlice {
        granted = granted == null ? LeaseAmount.ZERO : granted;
        adopted = adopted == null ? LeaseAmount.ZERO : adopted;
        unreported = unreported == null ? LeaseAmount.ZERO : unreported;
        shrunk = shrunk == null ? LeaseAmount.ZERO : shrunk;
        departing = departing == null ? Set.of() : Set.copyOf(departing);
    }

    /** What a recall takes back and what it reports adopted, with the slice after it. */
    public record Recalled(ConsumerSlice slice, LeaseAmount returned, LeaseAmount adopted) {
    }

    /** The slice after an allocation left it, and the lease the allocation took. */
    public record Departure(ConsumerSlice slice, Share share) {
    }

    /** The lease an allocation takes with it when it moves to another task. */
    public record Share(LeaseAmount granted, LeaseAmount adopted, LeaseAmount unreported) {
        public static final Share NONE = new Share(LeaseAmount.ZERO, LeaseAmount.ZERO, LeaseAmount.ZERO);

        public Share {
            granted = granted == null ? LeaseAmount.ZERO : granted;
            adopted = adopted == null ? LeaseAmount.ZERO : adopted;
            unreported = unreported == null ? LeaseAmount.ZERO : unreported;
        }
    }

    /** The terms that apply: the policy's, or no limits when there is none. */
    public PolicyTerms policy() {
        return terms == null ? PolicyTerms.UNLIMITED : terms;
    }

    /** Whether admissions need a lease. */
    public boolean limited() {
        return known && terms != null && LeaseAmount.limits(terms);
    }

    /** The whole lease, both parts, with the adoption as it stands at {@code usage}. */
    public LeaseAmount lease(final LeaseAmount usage) {
        return granted.plus(adopted.min(usage));
    }

    /** The slice with its adoption brought down to {@code usage}: what it lost is owed to the home. */
    public ConsumerSlice settled(final LeaseAmount usage) {
        if (!limited()) {
            return this;
        }
        final LeaseAmount kept = adopted.min(usage);
        final LeaseAmount lost = adopted.minus(kept);
        if (lost.isZero()) {
            return this;
        }
        // what the home never heard of is simply not reported; the rest is given back
        final LeaseAmount unheard = unreported.min(lost);
        return with(granted, kept, unreported.minus(unheard), shrunk.plus(lost.minus(unheard)));
    }

    /**
     * The home's terms of book {@code ofGeneration} (from a grant, a copy or a recall). Where a new
     * generation begins with limits, everything held ({@code usage}) is adopted and owed to the home;
     * a message of an older generation changes nothing.
     */
    public ConsumerSlice withTerms(final PolicyTerms next, final long ofGeneration, final LeaseAmount usage) {
        if (known && ofGeneration < generation) {
            return this;
        }
        // allocations still on their way to another task are remembered whatever the terms (see departing)
        if (next == null || !LeaseAmount.limits(next)) {
            return new ConsumerSlice(next, true, ofGeneration, LeaseAmount.ZERO, LeaseAmount.ZERO, LeaseAmount.ZERO,
                    LeaseAmount.ZERO, departing, NO_RECALL);
        }
        if (limited() && ofGeneration == generation) {
            return new ConsumerSlice(next, true, generation, granted, adopted, unreported, shrunk, departing, deferredEpoch);
        }
        return new ConsumerSlice(next, true, ofGeneration, uncounted(next), usage, usage, LeaseAmount.ZERO, departing,
                NO_RECALL);
    }

    /** A grant of book {@code ofGeneration}: added when it is this slice's book, ignored when older. */
    public ConsumerSlice granted(final PolicyTerms next, final long ofGeneration, final LeaseAmount amount,
                                 final LeaseAmount usage) {
        final ConsumerSlice current = withTerms(next, ofGeneration, usage).settled(usage);
        if (!current.limited() || ofGeneration != current.generation) {
            return current;
        }
        return current.with(current.granted.plus(amount), current.adopted, current.unreported, current.shrunk);
    }

    /**
     * A recall of book {@code ofGeneration}: gives back what {@code usage} leaves unused, with what the
     * adoption lost, and reports what was adopted.
     */
    public Recalled recall(final PolicyTerms next, final long ofGeneration, final LeaseAmount usage) {
        final ConsumerSlice current = withTerms(next, ofGeneration, usage).settled(usage);
        if (!current.limited() || ofGeneration != current.generation) {
            return new Recalled(current, LeaseAmount.ZERO, LeaseAmount.ZERO);
        }
        // the adoption is all in use (settled), so what is unused is granted lease
        final LeaseAmount unused = current.lease(usage).minus(usage);
        final ConsumerSlice after = current.with(current.granted.minus(unused), current.adopted, LeaseAmount.ZERO,
                LeaseAmount.ZERO).deferring(NO_RECALL);
        return new Recalled(after, unused.plus(current.shrunk), current.unreported);
    }

    /** What the slice owes the home outside a recall (an adoption it made late), and the slice once it is sent. */
    public Recalled reportOwed() {
        return new Recalled(with(granted, adopted, LeaseAmount.ZERO, LeaseAmount.ZERO), shrunk, unreported);
    }

    /**
     * Whether the answer to a recall must wait: an allocation on its way to another task carries lease
     * the home may not have heard of (an adoption, or one under an older book that only its new task
     * can adopt), and that task may have answered already. Its new task reports such lease as soon as
     * it arrives, before telling this one; answering after that keeps the recall from settling without it.
     */
    public boolean defers() {
        return !departing.isEmpty();
    }

    /** The slice holding the answer to the recall of {@code epoch} (of its generation) until nothing is departing. */
    public ConsumerSlice deferring(final int epoch) {
        return new ConsumerSlice(terms, known, generation, granted, adopted, unreported, shrunk, departing,
                epoch == NO_RECALL ? NO_RECALL : Math.max(epoch, deferredEpoch));
    }

    /** The allocation {@code allocationId} reached its new task. */
    public ConsumerSlice arrived(final String allocationId) {
        if (!departing.contains(allocationId)) {
            return this;
        }
        final Set<String> left = new HashSet<>(departing);
        left.remove(allocationId);
        return new ConsumerSlice(terms, known, generation, granted, adopted, unreported, shrunk, left, deferredEpoch);
    }

    /**
     * The lease an allocation holding {@code amount} takes when it leaves for another task, and the
     * slice without it; {@code usage} is what the slice holds with the allocation still counted. Its
     * use is counted against the adoption first, as {@link #settled} assumes.
     */
    public Departure handOver(final String allocationId, final LeaseAmount amount, final LeaseAmount usage) {
        final ConsumerSlice current = settled(usage);
        // remembered even when nothing is limited: limits may begin before it arrives
        final Set<String> leaving = new HashSet<>(current.departing);
        leaving.add(allocationId);
        if (!current.limited()) {
            return new Departure(new ConsumerSlice(current.terms, current.known, current.generation, current.granted,
                    current.adopted, current.unreported, current.shrunk, leaving, current.deferredEpoch), Share.NONE);
        }
        final LeaseAmount fromAdopted = current.adopted.min(amount);
        final LeaseAmount fromUnreported = current.unreported.min(fromAdopted);
        final LeaseAmount fromGranted = current.granted.min(amount.minus(fromAdopted));
        return new Departure(new ConsumerSlice(current.terms, true, current.generation, current.granted.minus(fromGranted),
                current.adopted.minus(fromAdopted), current.unreported.minus(fromUnreported), current.shrunk, leaving,
                current.deferredEpoch), new Share(fromGranted, fromAdopted, fromUnreported));
    }

    /**
     * An allocation holding {@code amount} arrives from another task with {@code share} of book
     * {@code ofGeneration}; {@code usage} is what this slice holds before it. A share of an older
     * book is void, so the allocation is adopted, owed to the home like any adoption.
     */
    public ConsumerSlice received(final PolicyTerms next, final long ofGeneration, final Share share,
                                  final LeaseAmount amount, final LeaseAmount usage) {
        final ConsumerSlice current = withTerms(next, ofGeneration, usage).settled(usage);
        if (!current.limited()) {
            return current;
        }
        if (ofGeneration != current.generation) {
            return current.with(current.granted, current.adopted.plus(amount), current.unreported.plus(amount),
                    current.shrunk);
        }
        return current.with(current.granted.plus(share.granted()), current.adopted.plus(share.adopted()),
                current.unreported.plus(share.unreported()), current.shrunk);
    }

    /** Whether {@code usage} plus {@code need} stays within the lease (always, for an unlimited consumer). */
    public boolean admits(final LeaseAmount usage, final LeaseAmount need) {
        return !limited() || lease(usage).covers(usage.plus(need));
    }

    /** Whether the quota dimensions alone (allocations and capacity) admit {@code need}. */
    public boolean admitsQuota(final LeaseAmount usage, final LeaseAmount need) {
        return !limited() || lease(usage).coversQuota(usage.plus(need));
    }

    /** Money this slice may still commit: what the lease holds beyond {@code usage}. */
    public long moneyLeft(final LeaseAmount usage) {
        return limited() ? lease(usage).minus(usage).money() : Long.MAX_VALUE;
    }

    private ConsumerSlice with(final LeaseAmount nextGranted, final LeaseAmount nextAdopted, final LeaseAmount nextUnreported,
                               final LeaseAmount nextShrunk) {
        return new ConsumerSlice(terms, known, generation, nextGranted, nextAdopted, nextUnreported, nextShrunk, departing,
                deferredEpoch);
    }

    /** Nothing granted in the dimensions {@code terms} limit; an unlimited dimension needs no grant. */
    private static LeaseAmount uncounted(final PolicyTerms terms) {
        final LeaseAmount limits = LeaseAmount.limitsOf(terms);
        final long none = LeaseAmount.NONE;
        return new LeaseAmount(limits.units() == none ? none : 0, limits.cpuMillis() == none ? none : 0,
                limits.memoryBytes() == none ? none : 0, limits.storageBytes() == none ? none : 0,
                limits.gpus() == none ? none : 0, limits.money() == none ? none : 0);
    }
}
