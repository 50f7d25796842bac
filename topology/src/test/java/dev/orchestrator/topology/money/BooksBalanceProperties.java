package dev.orchestrator.topology.money;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The books balance after every step of any sequence of ledger operations (deposits, stakes,
 * placements, period ends, releases, moves, re-placements, breaches, reversals, replays of the
 * same change): per consumer {@code deposited + credited = available + locked + released + fees},
 * per provider {@code staked = stake + slashed}, overall what came in is where it is, and the
 * movements alone, replayed by {@link Books}, give the same balances and nothing moved twice.
 */
class BooksBalanceProperties {
    private static final List<String> CONSUMERS = List.of("c1", "c2", "c3");
    private static final List<String> PROVIDERS = List.of("p1", "p2");
    private static final List<String> ALLOCATIONS = List.of("a1", "a2", "a3", "a4", "a5");

    /** One operation with its arguments drawn up front. */
    record Step(int op, int consumer, int provider, int allocation, long amount, long advance, int percent, int pick) {
    }

    @Property(tries = 1500)
    void booksBalanceAfterEveryStep(@ForAll @Size(max = 80) final List<@net.jqwik.api.From("steps") Step> steps,
                                    @ForAll("terms") final PaymentTerms terms) {
        final MapLedgerState state = new MapLedgerState();
        final EscrowLedger ledger = new EscrowLedger(state, terms);
        long now = 0;
        long sequence = 0;
        for (final Step step : steps) {
            now += step.advance();
            sequence++;
            apply(ledger, state, step, now, sequence);
            check(state);
        }
    }

    private static void apply(final EscrowLedger ledger, final MapLedgerState state, final Step s, final long now,
                              final long sequence) {
        final String consumer = CONSUMERS.get(s.consumer());
        final String provider = PROVIDERS.get(s.provider());
        final String allocation = ALLOCATIONS.get(s.allocation());
        switch (s.op()) {
            case 0 -> ledger.deposit(consumer, s.amount(), "r" + s.pick(), now);
            case 1 -> ledger.stake(provider, s.amount(), "s" + s.pick(), now);
            case 2 -> ledger.placed(allocation, consumer, provider, "u", "", s.amount() % 5_000_000, sequence, now);
            case 3 -> ledger.periodEnded(allocation, now);
            case 4 -> ledger.ended(allocation, sequence - s.pick() % 2, now, s.pick() % 3 != 0);
            case 5 -> ledger.moved(allocation, provider, "u2", s.amount() % 5_000_000, sequence, now);
            case 6 -> ledger.replacing(allocation, sequence, now);
            case 7 -> ledger.breached(allocation, 1 + s.advance() * 10, s.percent(), now);
            default -> {
                final List<Movement> slashes = state.log.stream().filter(m -> m.kind() == Movement.Kind.SLASHED).toList();
                if (!slashes.isEmpty()) {
                    ledger.reverse(slashes.get(s.pick() % slashes.size()).id(), "op", now);
                }
            }
        }
    }

    private static void check(final MapLedgerState state) {
        long cameIn = 0;
        long held = 0;
        for (final ConsumerAccount account : state.consumers.values()) {
            assertThat(account.balanced()).as("%s", account).isTrue();
            cameIn += account.deposited();
            held += account.available() + account.locked() + account.fees();
        }
        long earned = 0;
        long released = state.consumers.values().stream().mapToLong(ConsumerAccount::released).sum();
        long credited = state.consumers.values().stream().mapToLong(ConsumerAccount::credited).sum();
        long slashed = 0;
        for (final ProviderAccount account : state.providers.values()) {
            assertThat(account.balanced()).as("%s", account).isTrue();
            cameIn += account.staked();
            held += account.stake() + account.earned();
            earned += account.earned();
            slashed += account.slashed();
        }
        assertThat(held).as("money held everywhere").isEqualTo(cameIn);
        assertThat(earned).as("what providers earned is what consumers released").isEqualTo(released);
        assertThat(slashed).as("what stakes lost is what consumers were credited").isEqualTo(credited);
        long escrowed = state.escrows.values().stream().mapToLong(Escrow::locked).sum();
        long locked = state.consumers.values().stream().mapToLong(ConsumerAccount::locked).sum();
        assertThat(escrowed).as("escrows hold what accounts say is locked").isEqualTo(locked);
        final Books books = new Books();
        state.log.forEach(books::apply);
        assertThat(books.problems()).isEmpty();
        assertThat(books.cameIn()).isEqualTo(cameIn);
        assertThat(books.accountedFor()).isEqualTo(cameIn);
        assertThat(books.locked()).isEqualTo(locked);
        LedgerTotals totals = LedgerTotals.NONE;
        for (final Movement movement : state.log) {
            totals = totals.after(movement);
        }
        assertThat(totals.locked()).as("totals: locked").isEqualTo(locked);
        assertThat(totals.released()).as("totals: released").isEqualTo(released);
        assertThat(totals.slashed()).as("totals: slashed").isEqualTo(slashed);
        assertThat(totals.deposited() + totals.staked()).as("totals: came in").isEqualTo(cameIn);
        assertThat(totals.fees()).as("totals: fees").isEqualTo(state.consumers.values().stream().mapToLong(ConsumerAccount::fees).sum());
    }

    @Provide
    Arbitrary<Step> steps() {
        return Combinators.combine(Arbitraries.integers().between(0, 8), Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 1), Arbitraries.integers().between(0, 4),
                Arbitraries.longs().between(1, 20_000_000), Arbitraries.longs().between(0, 2_000_000),
                Arbitraries.integers().between(0, 100), Arbitraries.integers().between(0, 7))
                .as(Step::new);
    }

    @Provide
    Arbitrary<PaymentTerms> terms() {
        return Combinators.combine(Arbitraries.longs().between(1_000, 3_600_000), Arbitraries.longs().between(0, 10_000))
                .as((period, fee) -> new PaymentTerms(period, fee, 3));
    }
}
