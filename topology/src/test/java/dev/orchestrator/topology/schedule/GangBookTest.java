package dev.orchestrator.topology.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Gangs gathering: deadlines from the first member, a shared minimum, formed gangs, withdrawal, timeouts. */
class GangBookTest {
    private final GangBook book = new GangBook(3);

    @Test
    void theFirstMemberSetsTheMinimumAndTheDeadline() {
        assertThat(book.join("c/g", "a", 2, 1_000, 30_000)).isEqualTo(GangBook.Joined.GATHERING);
        assertThat(book.gang("c/g").deadline()).isEqualTo(31_000);
        assertThat(book.gang("c/g").gathered()).isFalse();
        // a later member's own timeout does not move the deadline
        assertThat(book.join("c/g", "b", 2, 20_000, 60_000)).isEqualTo(GangBook.Joined.GATHERING);
        assertThat(book.gang("c/g").deadline()).isEqualTo(31_000);
        assertThat(book.gang("c/g").started()).isEqualTo(1_000);
        assertThat(book.gathered()).extracting(GangBook.Gang::key).containsExactly("c/g");
        assertThat(book.join("c/g", "x", 5, 20_000, 60_000)).isEqualTo(GangBook.Joined.MISMATCH);
        assertThat(book.gang("c/g").members()).containsExactly("a", "b");
    }

    @Test
    void aGangHoldsAtMostItsCapAndAHugeTimeoutSaturates() {
        book.join("c/g", "a", 1, 0, Long.MAX_VALUE);
        assertThat(book.gang("c/g").deadline()).isEqualTo(Long.MAX_VALUE);
        book.join("c/g", "b", 1, 0, 1);
        book.join("c/g", "c", 1, 0, 1);
        assertThat(book.join("c/g", "d", 1, 0, 1)).isEqualTo(GangBook.Joined.FULL);
        // the same member again is not a fourth
        assertThat(book.join("c/g", "c", 1, 0, 1)).isEqualTo(GangBook.Joined.GATHERING);
    }

    @Test
    void aFormedGangPlacesLaterMembersAloneUntilItsDeadlineThenANewGangGathers() {
        book.join("c/g", "a", 1, 0, 10_000);
        book.formed(book.gang("c/g"));
        assertThat(book.gang("c/g")).isNull();
        assertThat(book.isFormed("c/g", 9_999)).isTrue();
        assertThat(book.join("c/g", "b", 1, 9_999, 10_000)).isEqualTo(GangBook.Joined.FORMED);
        assertThat(book.join("c/g", "c", 1, 10_000, 10_000)).isEqualTo(GangBook.Joined.GATHERING);
        assertThat(book.gang("c/g").deadline()).isEqualTo(20_000);
        book.restoreFormed("c/h", 5_000);
        book.prune(5_000);
        assertThat(book.isFormed("c/h", 4_000)).isFalse();
    }

    @Test
    void withdrawnMembersLeaveAndAnEmptyGangIsForgottenAndExpiryNamesWhoIsLeft() {
        book.join("c/g", "a", 2, 0, 10_000);
        book.join("c/g", "b", 2, 0, 10_000);
        book.left("c/g", "a");
        assertThat(book.waits("c/g", "a")).isFalse();
        assertThat(book.gang("c/g").gathered()).isFalse();
        assertThat(book.expire("c/g")).containsExactly("b");
        assertThat(book.gatheringCount()).isZero();
        book.join("c/h", "x", 2, 0, 10_000);
        book.left("c/h", "x");
        assertThat(book.gang("c/h")).isNull();
        assertThat(book.expire("c/h")).isEmpty();
    }

    @Test
    void gatheredGangsComeLeastRecentlyTriedFirstSoABoundedSweepReachesEveryOne() {
        for (final String g : java.util.List.of("c/a", "c/b", "c/c", "c/d")) {
            book.join(g, g + "-1", 1, 0, 60_000);
        }
        final java.util.List<GangBook.Gang> first = book.gathered();
        // a sweep tries two at capacity change 7, the next (capacity changed again, 8) must start with the other two
        first.get(0).tried(7);
        first.get(1).tried(7);
        final java.util.List<GangBook.Gang> next = book.gathered();
        assertThat(next.subList(0, 2)).containsExactlyInAnyOrderElementsOf(first.subList(2, 4));
        next.get(0).tried(8);
        next.get(1).tried(8);
        assertThat(book.gathered().subList(0, 2)).containsExactlyInAnyOrderElementsOf(first.subList(0, 2));
    }

    @Test
    void restoredMembersGatherAgainFromTheEarliestArrival() {
        book.restore("c/g", "b", 3, 5_000, 65_000);
        book.restore("c/g", "a", 3, 2_000, 65_000);
        assertThat(book.gang("c/g").started()).isEqualTo(2_000);
        assertThat(book.gang("c/g").members()).containsExactly("b", "a");
        assertThat(book.gang("c/g").minMembers()).isEqualTo(3);
    }
}
