package dev.orchestrator.topology.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.topology.model.PolicyTerms;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The lease arithmetic by example: grants with a share to spare, recalls, exhausted answers, generations. */
class LeaseBookTest {
    private static final int TASKS = 4;
    private static final long NONE = LeaseAmount.NONE;

    private static LeaseAmount units(final long units) {
        return new LeaseAmount(units, NONE, NONE, NONE, NONE, NONE);
    }

    @Test
    void grantsWhatIsAskedAndAShareOfTheRestToSpareTheNextRoundTrip() {
        final LeaseBook book = LeaseBook.unlimited(0, 0).limitedTo(units(17), TASKS);
        final LeaseBook settled = settle(book);
        final LeaseBook.Answer answer = settled.request(new LeaseAmount(1, 0, 0, 0, 0, 0), TASKS);
        assertThat(answer.verdict()).isEqualTo(LeaseBook.Verdict.GRANT);
        // 1 asked, and 16 free after it shared over 2 x 4 tasks: 2 more
        assertThat(answer.amount()).isEqualTo(units(3));
        assertThat(answer.book().free()).isEqualTo(units(14));
    }

    @Test
    void aRequestTheFreePartCannotCoverParksAndRecallsThenIsGrantedOrRefusedAsOfTheRecall() {
        final LeaseBook book = settle(LeaseBook.unlimited(0, 0).limitedTo(units(2), TASKS));
        final LeaseBook.Answer first = book.request(new LeaseAmount(2, 0, 0, 0, 0, 0), TASKS);
        final LeaseBook.Answer second = first.book().request(new LeaseAmount(1, 0, 0, 0, 0, 0), TASKS);
        assertThat(second.verdict()).isEqualTo(LeaseBook.Verdict.PARK);
        assertThat(second.recall()).isTrue();
        assertThat(second.book().awaitingList()).containsExactly(0, 1, 2, 3);
        // every task answers; the one holding the grant uses one of its two and gives the other back
        LeaseBook recalled = second.book();
        for (int t = 0; t < TASKS; t++) {
            recalled = recalled.returned(t, recalled.generation(), recalled.epoch(),
                    t == 0 ? new LeaseAmount(1, 0, 0, 0, 0, 0) : LeaseAmount.ZERO, LeaseAmount.ZERO);
        }
        assertThat(recalled.recalling()).isFalse();
        // one is free: the request for two is refused (exhausted, nothing more), the first for one granted, and
        // the second for one, which the free part covered before that grant, waits for another recall
        final LeaseBook.Served served = recalled.serve(List.of(new LeaseAmount(2, 0, 0, 0, 0, 0),
                new LeaseAmount(1, 0, 0, 0, 0, 0), new LeaseAmount(1, 0, 0, 0, 0, 0)), TASKS);
        assertThat(served.answers()).extracting(LeaseBook.Answer::verdict)
                .containsExactly(LeaseBook.Verdict.EXHAUSTED, LeaseBook.Verdict.GRANT, LeaseBook.Verdict.PARK);
        assertThat(served.answers().get(0).amount()).isEqualTo(LeaseAmount.ZERO);
        assertThat(served.answers().get(1).amount()).isEqualTo(units(1));
        assertThat(served.answers().get(2).recall()).isTrue();
    }

    @Test
    void limitsThatRiseKeepTheBookAndLimitsThatFallOrBeginOpenANewGeneration() {
        final LeaseBook book = settle(LeaseBook.unlimited(3, 7).limitedTo(units(5), TASKS));
        assertThat(book.generation()).isEqualTo(4);
        final LeaseBook granted = book.request(new LeaseAmount(1, 0, 0, 0, 0, 0), TASKS).book();
        assertThat(granted.limitedTo(units(9), TASKS)).satisfies(raised -> {
            assertThat(raised.generation()).isEqualTo(4);
            assertThat(raised.granted()).isEqualTo(granted.granted());
        });
        assertThat(granted.limitedTo(units(4), TASKS)).satisfies(lowered -> {
            assertThat(lowered.generation()).isEqualTo(5);
            assertThat(lowered.granted().units()).isZero();
            assertThat(lowered.recalling()).isTrue();
        });
        final LeaseAmount withBudget = new LeaseAmount(9, NONE, NONE, NONE, NONE, 1_000);
        assertThat(granted.limitedTo(withBudget, TASKS).generation()).as("a budget where there was none").isEqualTo(5);
        assertThat(granted.limitedTo(LeaseAmount.UNLIMITED, TASKS).limited()).isFalse();
        // answers of an older generation change nothing
        final LeaseBook lowered = granted.limitedTo(units(4), TASKS);
        assertThat(lowered.returned(0, 4, lowered.epoch(), units(1), units(3))).isEqualTo(lowered);
    }

    @Test
    void aSliceAdoptsWhatItHoldsWhenLimitsBeginAndNeverReusesRoomAnAdoptedAllocationLeft() {
        final PolicyTerms terms = new PolicyTerms(2, null, Long.MAX_VALUE, PolicyTerms.MONTH_MILLIS, Set.of(), Set.of(),
                Long.MAX_VALUE, false, Map.of());
        final LeaseAmount one = new LeaseAmount(1, 0, 0, 0, 0, 0);
        final LeaseAmount three = new LeaseAmount(3, 0, 0, 0, 0, 0);
        final ConsumerSlice slice = ConsumerSlice.UNKNOWN.withTerms(null, 0, LeaseAmount.ZERO).withTerms(terms, 1, three);
        assertThat(slice.admits(three, one)).isFalse();
        // two of the three end: the slice may not place two more on the room they left
        final LeaseAmount left = one;
        final ConsumerSlice settled = slice.settled(left);
        assertThat(settled.admits(left, one)).isFalse();
        final ConsumerSlice.Recalled recalled = settled.recall(terms, 1, left);
        assertThat(recalled.adopted().units()).as("reported: what is held now").isEqualTo(1);
        assertThat(recalled.returned().units()).isZero();
        // a grant of one more lets one more in
        final ConsumerSlice granted = recalled.slice().granted(terms, 1, one, left);
        assertThat(granted.admits(left, one)).isTrue();
        assertThat(granted.admits(left, new LeaseAmount(2, 0, 0, 0, 0, 0))).isFalse();
    }

    /** The book once every task answered its first recall with nothing to report. */
    private static LeaseBook settle(final LeaseBook book) {
        LeaseBook settled = book;
        for (int t = 0; t < TASKS; t++) {
            settled = settled.returned(t, settled.generation(), settled.epoch(), LeaseAmount.ZERO, LeaseAmount.ZERO);
        }
        return settled;
    }
}
