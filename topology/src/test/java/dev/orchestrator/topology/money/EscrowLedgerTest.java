package dev.orchestrator.topology.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EscrowLedgerTest {
    private static final long HOUR = 3_600_000L;
    /** 1.20 per hour. */
    private static final long PRICE = 1_200_000L;
    private final MapLedgerState state = new MapLedgerState();
    private final EscrowLedger ledger = new EscrowLedger(state, new PaymentTerms(HOUR, 250, 3));

    @Test
    void placementLocksTheFirstPeriodAndAPeriodThatHeldPaysTheProviderLessTheFee() {
        ledger.deposit("c1", 10_000_000, "r1", 0);
        final List<Movement> locked = ledger.placed("a1", "c1", "p1", "u1", "gold", PRICE, 1, 1_000);
        assertThat(locked).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo(Movement.Kind.LOCKED);
            assertThat(m.amount()).isEqualTo(1_200_000);
            assertThat(m.consumerAvailable()).isEqualTo(8_800_000);
            assertThat(m.consumerLocked()).isEqualTo(1_200_000);
            assertThat(m.period()).isEqualTo(1);
        });
        assertThat(ledger.periodEnded("a1", 1_000 + HOUR - 1)).as("not yet due").isEmpty();
        final List<Movement> due = ledger.periodEnded("a1", 1_000 + HOUR);
        // 2.5% of 1.2 = 0.03 to the platform, 1.17 to the provider, and the next hour locked
        assertThat(due).extracting(Movement::kind, Movement::amount).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Movement.Kind.RELEASED, 1_170_000L),
                org.assertj.core.groups.Tuple.tuple(Movement.Kind.FEE, 30_000L),
                org.assertj.core.groups.Tuple.tuple(Movement.Kind.LOCKED, 1_200_000L));
        assertThat(state.consumer("c1")).isEqualTo(new ConsumerAccount("c1", 10_000_000, 0, 7_600_000, 1_200_000,
                1_170_000, 30_000, 0));
        assertThat(state.provider("p1").earned()).isEqualTo(1_170_000);
        assertBooks();
    }

    @Test
    void aReleaseHalfWayThroughPaysHalfAndRefundsTheRest() {
        ledger.deposit("c1", 5_000_000, "r1", 0);
        ledger.placed("a1", "c1", "p1", "u1", "", PRICE, 1, 0);
        final List<Movement> ended = ledger.ended("a1", 2, HOUR / 2, true);
        assertThat(ended).extracting(Movement::kind, Movement::amount).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Movement.Kind.RELEASED, 585_000L),
                org.assertj.core.groups.Tuple.tuple(Movement.Kind.FEE, 15_000L),
                org.assertj.core.groups.Tuple.tuple(Movement.Kind.REFUNDED, 600_000L));
        assertThat(state.escrow("a1").state()).isEqualTo(Escrow.State.CLOSED);
        assertThat(ledger.ended("a1", 2, HOUR, true)).as("the same change again moves nothing").isEmpty();
        assertThat(ledger.periodEnded("a1", 2 * HOUR)).as("a closed escrow has no periods").isEmpty();
        assertThat(state.consumer("c1").locked()).isZero();
        assertBooks();
    }

    @Test
    void aConsumerWithoutFundsIsRefusedAndNothingMoves() {
        final List<Movement> refused = ledger.placed("a1", "broke", "p1", "u1", "", PRICE, 1, 0);
        assertThat(refused).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo(Movement.Kind.LOCK_REFUSED);
            assertThat(m.reason()).isEqualTo("INSUFFICIENT_FUNDS");
            assertThat(m.moves()).isFalse();
        });
        assertThat(state.escrow("a1").state()).isEqualTo(Escrow.State.UNFUNDED);
        assertThat(state.consumer("broke").available()).isZero();
        assertBooks();
    }

    @Test
    void runningOutOfFundsAtAPeriodEndRefusesTheNextLock() {
        ledger.deposit("c1", 1_500_000, "r1", 0);
        ledger.placed("a1", "c1", "p1", "u1", "", PRICE, 1, 0);
        final List<Movement> due = ledger.periodEnded("a1", HOUR);
        assertThat(due).extracting(Movement::kind).containsExactly(Movement.Kind.RELEASED, Movement.Kind.FEE,
                Movement.Kind.LOCK_REFUSED);
        assertThat(state.escrow("a1").state()).isEqualTo(Escrow.State.UNFUNDED);
        assertThat(state.consumer("c1").available()).isEqualTo(300_000);
        assertBooks();
    }

    @Test
    void aBreachSlashesTheStakeOncePerWindowAndRefundsThePeriod() {
        ledger.deposit("c1", 5_000_000, "r1", 0);
        ledger.stake("p1", 1_000_000, "s1", 0);
        ledger.placed("a1", "c1", "p1", "u1", "gold", PRICE, 1, 0);
        // 50% of what 5 minutes cost at 1.20/h = 0.05
        final List<Movement> slash = ledger.breached("a1", 300_000, 50, 600_000);
        assertThat(slash).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo(Movement.Kind.SLASHED);
            assertThat(m.amount()).isEqualTo(50_000);
            assertThat(m.providerStake()).isEqualTo(950_000);
        });
        assertThat(ledger.breached("a1", 300_000, 50, 899_999)).as("same window").isEmpty();
        assertThat(ledger.breached("a1", 300_000, 50, 900_000)).as("next window").hasSize(1);
        final List<Movement> due = ledger.periodEnded("a1", HOUR);
        assertThat(due).extracting(Movement::kind).containsExactly(Movement.Kind.REFUNDED, Movement.Kind.LOCKED);
        assertThat(state.provider("p1")).isEqualTo(new ProviderAccount("p1", 1_000_000, 900_000, 100_000, 0, 2));
        assertThat(state.consumer("c1").credited()).isEqualTo(100_000);
        assertBooks();
    }

    @Test
    void aSlashNeverTakesMoreThanTheStake() {
        ledger.deposit("c1", 5_000_000, "r1", 0);
        ledger.stake("p1", 10_000, "s1", 0);
        ledger.placed("a1", "c1", "p1", "u1", "gold", PRICE, 1, 0);
        assertThat(ledger.breached("a1", 300_000, 100, 1)).singleElement()
                .satisfies(m -> assertThat(m.amount()).isEqualTo(10_000));
        assertThat(ledger.breached("a1", 300_000, 100, 300_000)).singleElement().satisfies(m -> {
            assertThat(m.amount()).isZero();
            assertThat(m.reason()).contains("no stake left");
        });
        assertBooks();
    }

    @Test
    void aSlashIsReversedOnceAndOnlyWhileTheCreditIsUnspent() {
        ledger.deposit("c1", 5_000_000, "r1", 0);
        ledger.stake("p1", 1_000_000, "s1", 0);
        ledger.placed("a1", "c1", "p1", "u1", "gold", PRICE, 1, 0);
        final Movement slash = ledger.breached("a1", 300_000, 50, 1).get(0);
        assertThat(ledger.reverse("nope", "op", 2).outcome()).isEqualTo(EscrowLedger.Reversal.NOT_FOUND);
        assertThat(ledger.reverse(state.log.get(0).id(), "op", 2).outcome()).isEqualTo(EscrowLedger.Reversal.NOT_A_SLASH);
        final EscrowLedger.Reversed first = ledger.reverse(slash.id(), "op", 2);
        assertThat(first.outcome()).isEqualTo(EscrowLedger.Reversal.REVERSED);
        assertThat(first.movements()).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo(Movement.Kind.SLASH_REVERSED);
            assertThat(m.reason()).isEqualTo("reversed by op");
        });
        assertThat(ledger.reverse(slash.id(), "op", 3).outcome()).isEqualTo(EscrowLedger.Reversal.ALREADY_REVERSED);
        assertThat(state.provider("p1")).isEqualTo(new ProviderAccount("p1", 1_000_000, 1_000_000, 0, 0, 0));
        assertBooks();
    }

    @Test
    void aMoveSettlesTheOldProviderAndLocksAtTheNewPrice() {
        ledger.deposit("c1", 5_000_000, "r1", 0);
        ledger.placed("a1", "c1", "p1", "u1", "", PRICE, 1, 0);
        final List<Movement> moved = ledger.moved("a1", "p2", "u9", 2_400_000, 3, HOUR / 4);
        assertThat(moved).extracting(Movement::kind, Movement::providerId, Movement::amount).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Movement.Kind.RELEASED, "p1", 292_500L),
                org.assertj.core.groups.Tuple.tuple(Movement.Kind.FEE, "p1", 7_500L),
                org.assertj.core.groups.Tuple.tuple(Movement.Kind.REFUNDED, "p1", 900_000L),
                org.assertj.core.groups.Tuple.tuple(Movement.Kind.LOCKED, "p2", 2_400_000L));
        assertThat(state.escrow("a1").periodEnd()).isEqualTo(HOUR / 4 + HOUR);
        assertThat(ledger.moved("a1", "p3", "u3", 1, 3, HOUR / 2)).as("same change again").isEmpty();
        assertBooks();
    }

    @Test
    void aDuplicateDepositOrPlacementMovesNothing() {
        ledger.deposit("c1", 5_000_000, "r1", 0);
        assertThat(ledger.deposit("c1", 5_000_000, "r1", 1)).isEmpty();
        ledger.placed("a1", "c1", "p1", "u1", "", PRICE, 1, 0);
        assertThat(ledger.placed("a1", "c1", "p1", "u1", "", PRICE, 1, 0)).isEmpty();
        assertThat(state.consumer("c1").deposited()).isEqualTo(5_000_000);
        assertThat(state.consumer("c1").locked()).isEqualTo(PRICE);
        assertBooks();
    }

    @Test
    void absurdAmountsAreRefusedNotWrapped() {
        assertThatThrownBy(() -> ledger.deposit("c1", 0, "r", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ledger.deposit("c1", -5, "r", 0)).isInstanceOf(IllegalArgumentException.class);
        ledger.deposit("c1", Long.MAX_VALUE, "r1", 0);
        assertThatThrownBy(() -> ledger.deposit("c1", 1, "r2", 0)).isInstanceOf(ArithmeticException.class);
        assertThat(state.consumer("c1").deposited()).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> PaymentTerms.cost(Long.MAX_VALUE, Long.MAX_VALUE)).isInstanceOf(ArithmeticException.class);
        assertBooks();
    }

    @Test
    void idsOfDifferentConsumersAndRequestsNeverCollide() {
        ledger.deposit("a/b", 1, "c", 0);
        assertThat(ledger.deposit("a", 1, "b/c", 0)).hasSize(1);
    }

    @Test
    void booksFindMoneyCreatedOrMovedTwice() {
        final Books books = new Books();
        books.apply(new Movement("d1", Movement.Kind.DEPOSITED, 100, "c1", null, null, 0, "", 0, 100, 0, -1, 1));
        books.apply(new Movement("l1", Movement.Kind.LOCKED, 60, "c1", "p1", "a1", 1, "", 0, 40, 60, -1, 2));
        assertThat(books.problems()).isEmpty();
        books.apply(new Movement("r1", Movement.Kind.REFUNDED, 60, "c1", "p1", "a1", 1, "", 0, 110, 0, -1, 3));
        assertThat(books.problems()).singleElement().asString().contains("says available 110");
        books.apply(new Movement("l1", Movement.Kind.LOCKED, 60, "c1", "p1", "a1", 1, "", 0, 40, 60, -1, 4));
        assertThat(books.problems()).hasSize(2).last().asString().contains("moved twice");
        books.apply(new Movement("x", Movement.Kind.LOCKED, 500, "c1", "p1", "a2", 1, "", 0, -400, 500, -1, 4));
        assertThat(books.problems()).anySatisfy(p -> assertThat(p).contains("below zero"))
                .anySatisfy(p -> assertThat(p).contains("not after"));
        books.apply(new Movement("y", Movement.Kind.DEPOSITED, 1, "c2", null, null, 0, "", 0, 1, 0, -1, 9));
        assertThat(books.problems()).last().asString().contains("movements 5 to 8 are missing");
    }

    @Test
    void booksKeepTrackOfMillionsOfIdsInLittleMemory() {
        final Books books = new Books();
        final int n = 200_000;
        for (int i = 1; i <= n; i++) {
            books.apply(new Movement("d:" + i, Movement.Kind.DEPOSITED, 1, "c1", null, null, 0, "", 0, i, 0, -1, i));
        }
        assertThat(books.problems()).isEmpty();
        books.apply(new Movement("d:777", Movement.Kind.DEPOSITED, 1, "c1", null, null, 0, "", 0, n + 1, 0, -1, n + 1));
        assertThat(books.problems()).singleElement().asString().contains("moved twice");
        assertThat(books.cameIn()).isEqualTo(n);
    }

    private void assertBooks() {
        final Books books = new Books();
        state.log.forEach(books::apply);
        assertThat(books.problems()).isEmpty();
        assertThat(books.accountedFor()).isEqualTo(books.cameIn());
        state.consumers.values().forEach(a -> assertThat(a.balanced()).as("%s", a).isTrue());
        state.providers.values().forEach(a -> assertThat(a.balanced()).as("%s", a).isTrue());
    }
}
