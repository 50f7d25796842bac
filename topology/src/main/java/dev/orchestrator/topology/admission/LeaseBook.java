package dev.orchestrator.topology.admission;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A limited consumer's book at its home task, the one writer of its grants: {@code granted} is the
 * total of the leases held by every slice (tasks), which never exceeds {@code limit} once a recall
 * has settled. A slice asks for what a placement needs; the book grants it with a share of what is
 * free to spare the next round trip. When what is free does not cover a request, the book recalls
 * every slice's unused lease ({@code awaiting} the answers of {@code epoch}) and parks requests until
 * all have answered; then it grants, or answers exhausted, so the asking slice's refusal is exact.
 *
 * <p>Why that is safe with messages in flight: a grant is added here before the slice hears of it,
 * and a return is taken off the slice before it arrives here, so this total is never below the sum
 * of the slices' leases. A new {@code generation} starts when limits begin to apply or fall
 * ({@link #limitedTo}); each slice then adopts what it holds and reports it with its answer to the
 * generation's first recall, and grants of an older generation are void.
 */
public record LeaseBook(LeaseAmount limit, LeaseAmount granted, long generation, int epoch, SortedSet<Integer> awaiting) {
    public LeaseBook {
        awaiting = new TreeSet<>(awaiting);
    }

    /** The book of a consumer whose policy limits nothing (or who has none): nothing is counted. */
    public static LeaseBook unlimited(final long generation, final int epoch) {
        return new LeaseBook(LeaseAmount.UNLIMITED, LeaseAmount.ZERO, generation, epoch, new TreeSet<>());
    }

    /** Whether grants are counted at all. */
    public boolean limited() {
        return !limit.equals(LeaseAmount.UNLIMITED);
    }

    /** What the book says to a request. */
    public enum Verdict { GRANT, EXHAUSTED, PARK }

    /** The book after a request, what to answer and how much; {@code recall} when a recall of a new epoch starts. */
    public record Answer(LeaseBook book, Verdict verdict, LeaseAmount amount, boolean recall) {
    }

    public boolean recalling() {
        return !awaiting.isEmpty();
    }

    /** What no slice holds. */
    public LeaseAmount free() {
        return limit.minus(granted);
    }

    /** A slice asks for {@code need}; {@code partitions} slices share the limit. */
    public Answer request(final LeaseAmount need, final int partitions) {
        if (!limited()) {
            return new Answer(this, Verdict.GRANT, LeaseAmount.UNLIMITED, false);
        }
        if (recalling()) {
            return new Answer(this, Verdict.PARK, LeaseAmount.ZERO, false);
        }
        if (free().covers(need)) {
            return grant(need, partitions);
        }
        final LeaseBook recalling = new LeaseBook(limit, granted, generation, epoch + 1, all(partitions));
        return new Answer(recalling, Verdict.PARK, LeaseAmount.ZERO, true);
    }

    /**
     * A slice gave back {@code returned} and owns up to {@code adopted}, allocations it holds that no
     * grant covered; an answer to the current epoch's recall counts towards settling it.
     */
    public LeaseBook returned(final int from, final long answeredGeneration, final int answeredEpoch,
                              final LeaseAmount returned, final LeaseAmount adopted) {
        if (answeredGeneration != generation || !limited()) {
            // a lease of an earlier generation is void: that book started again from what slices adopt
            return this;
        }
        final SortedSet<Integer> left = new TreeSet<>(awaiting);
        if (answeredEpoch == epoch) {
            left.remove(from);
        }
        return new LeaseBook(limit, granted.minus(returned).plus(adopted), generation, epoch, left);
    }

    /**
     * The book under a policy's new limits ({@link LeaseAmount#UNLIMITED} when it limits nothing).
     * Limits that only rise keep the book: more is free. Limits that begin to apply, or fall in any
     * dimension, open a new generation: leases granted under the old limits may be more than the new
     * ones allow, and a slice would use them again as its allocations end, so every slice adopts what
     * it holds instead (an adoption only shrinks) and the new book counts from there.
     */
    public LeaseBook limitedTo(final LeaseAmount next, final int partitions) {
        if (next.equals(LeaseAmount.UNLIMITED)) {
            return unlimited(generation, epoch);
        }
        if (!limited() || !next.covers(limit)) {
            return new LeaseBook(next, LeaseAmount.ZERO, generation + 1, epoch + 1, all(partitions));
        }
        return new LeaseBook(next, granted, generation, epoch, awaiting);
    }

    /**
     * A share of what is free for a slice nobody asked for, when a recall has just settled and at
     * least half the limit is free in every limited dimension (a new generation with little in use):
     * handed to every slice then, it spares each its first round trip. Null when the book is not
     * that free.
     */
    public Answer unaskedShare(final int partitions) {
        if (!limited() || recalling() || !free().covers(halfOfLimit())) {
            return null;
        }
        final LeaseAmount amount = unlimitedWhereLimitIs(free().share(1.0 / (2.0 * Math.max(1, partitions)), LeaseAmount.ZERO));
        return new Answer(new LeaseBook(limit, granted.plus(amount), generation, epoch, awaiting), Verdict.GRANT, amount, false);
    }

    private LeaseAmount halfOfLimit() {
        final long none = LeaseAmount.NONE;
        return new LeaseAmount(half(limit.units()), half(limit.cpuMillis()), half(limit.memoryBytes()),
                half(limit.storageBytes()), half(limit.gpus()), half(limit.money()));
    }

    private static long half(final long value) {
        return value == LeaseAmount.NONE ? 0 : value / 2;
    }

    /** The book after answering parked requests in order, and the answers, one per request. */
    public record Served(LeaseBook book, List<Answer> answers) {
    }

    /**
     * Answers requests parked while a recall settled, in the order they came. What was free when the
     * recall settled is all there was then (every slice had given back what it did not use): a request
     * it does not cover is answered exhausted with nothing more, so its slice refuses it unless its
     * own allocations ended since (an exact refusal as of the recall, and one round for every request
     * waiting, however many). One that it covers but that earlier grants of this round left without
     * enough starts another recall, since those slices may not use all they got.
     */
    public Served serve(final List<LeaseAmount> parked, final int partitions) {
        final LeaseAmount settledFree = free();
        LeaseBook book = this;
        final List<Answer> answers = new ArrayList<>(parked.size());
        for (final LeaseAmount need : parked) {
            final Answer answer;
            if (!book.limited() || book.recalling() || book.free().covers(need)) {
                answer = book.request(need, partitions);
            } else if (!settledFree.covers(need)) {
                answer = new Answer(book, Verdict.EXHAUSTED, LeaseAmount.ZERO, false);
            } else {
                answer = book.request(need, partitions);
            }
            answers.add(answer);
            book = answer.book();
        }
        return new Served(book, answers);
    }

    private Answer grant(final LeaseAmount need, final int partitions) {
        // a share of the rest, so a busy slice does not come back for every placement
        final LeaseAmount spare = free().minus(need).share(1.0 / (2.0 * Math.max(1, partitions)), LeaseAmount.ZERO);
        final LeaseAmount amount = unlimitedWhereLimitIs(need.plus(spare).min(free()));
        return new Answer(new LeaseBook(limit, granted.plus(amount), generation, epoch, awaiting), Verdict.GRANT, amount, false);
    }

    /** A slice tracks only the limited dimensions: an unlimited one is granted as unlimited. */
    private LeaseAmount unlimitedWhereLimitIs(final LeaseAmount amount) {
        final long none = LeaseAmount.NONE;
        return new LeaseAmount(limit.units() == none ? none : amount.units(),
                limit.cpuMillis() == none ? none : amount.cpuMillis(),
                limit.memoryBytes() == none ? none : amount.memoryBytes(),
                limit.storageBytes() == none ? none : amount.storageBytes(),
                limit.gpus() == none ? none : amount.gpus(), limit.money() == none ? none : amount.money());
    }

    private static SortedSet<Integer> all(final int partitions) {
        final SortedSet<Integer> every = new TreeSet<>();
        for (int p = 0; p < partitions; p++) {
            every.add(p);
        }
        return every;
    }

    /** The partitions still to answer, in order, for messages. */
    public List<Integer> awaitingList() {
        return List.copyOf(awaiting);
    }
}
