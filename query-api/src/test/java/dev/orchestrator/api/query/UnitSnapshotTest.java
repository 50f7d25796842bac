package dev.orchestrator.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.topology.read.CapacityRead;
import dev.orchestrator.topology.read.UnitRead;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UnitSnapshotTest {
    private final AtomicInteger scans = new AtomicInteger();

    private static UnitRead view(final String id, final String region, final String provider) {
        final CapacityRead capacity = new CapacityRead(0, 0, 100, 0, null);
        return new UnitRead(id, provider, "STORAGE", region, region + "/storage", "AVAILABLE", true, true, capacity,
                CapacityRead.ZERO, capacity, 1, 1, 1, 0, 0);
    }

    private final UnitSnapshot snapshot = new UnitSnapshot(() -> {
        scans.incrementAndGet();
        return List.of(view("u3", "eu", "p1"), view("u1", "us", "p2"), view("u2", "eu", "p2"), view("u10", "eu", "p1"));
    }, 60_000_000_000L);

    @Test
    void sortsByIdAndIndexesByRegionAndProvider() {
        final UnitSnapshot.Views views = snapshot.current();

        assertThat(views.all()).extracting(UnitRead::unitId).containsExactly("u1", "u10", "u2", "u3");
        assertThat(views.narrowest("eu", null)).extracting(UnitRead::unitId).containsExactly("u10", "u2", "u3");
        assertThat(views.narrowest(null, "p2")).extracting(UnitRead::unitId).containsExactly("u1", "u2");
        assertThat(views.narrowest("mars", null)).isEmpty();
    }

    @Test
    void aCursorStartsAfterItsIdWhetherOrNotThatIdIsInTheList() {
        final List<UnitRead> eu = snapshot.current().narrowest("eu", null);

        assertThat(UnitSnapshot.Views.after(eu, null)).isZero();
        assertThat(UnitSnapshot.Views.after(eu, "u10")).isEqualTo(1);
        assertThat(UnitSnapshot.Views.after(eu, "u1")).isZero();
        assertThat(UnitSnapshot.Views.after(eu, "u3")).isEqualTo(3);
    }

    @Test
    void scansOncePerAge() {
        snapshot.current();
        snapshot.current();

        assertThat(scans.get()).isEqualTo(1);
    }

    @Test
    void aSnapshotPastHalfItsAgeIsAnsweredWhileTheNextIsTakenInTheBackground() throws Exception {
        final UnitSnapshot young = new UnitSnapshot(() -> {
            scans.incrementAndGet();
            return List.of(view("u" + scans.get(), "eu", "p1"));
        }, 2_000_000_000L);
        final UnitSnapshot.Views first = young.current();
        Thread.sleep(1_100);

        assertThat(young.current()).isSameAs(first);
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (young.current() == first && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(young.current()).isNotSameAs(first);
        assertThat(scans.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void neverAnswersASnapshotOlderThanItsAge() throws Exception {
        // the first call after a quiet spell: it used to get the old snapshot (200 units, 0 allocations after a run)
        final UnitSnapshot quiet = new UnitSnapshot(() -> {
            scans.incrementAndGet();
            return List.of(view("u" + scans.get(), "eu", "p1"));
        }, 50_000_000L);
        final UnitSnapshot.Views first = quiet.current();
        Thread.sleep(80);

        final UnitSnapshot.Views next = quiet.current();

        assertThat(next).isNotSameAs(first);
        assertThat(System.nanoTime() - next.takenNanos()).isLessThan(50_000_000L);
    }
}
