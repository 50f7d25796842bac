package dev.orchestrator.topology.optimize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.optimize.Defragmenter.Bin;
import dev.orchestrator.topology.optimize.Defragmenter.Item;
import dev.orchestrator.topology.optimize.Defragmenter.Move;
import dev.orchestrator.topology.optimize.Defragmenter.Want;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DefragmenterTest {
    private static final long GB = 1_000_000_000L;
    private static final Capacity NODE = cpu(8, 32);
    private static final Defragmenter.Rules ANY = new Defragmenter.Rules() {
        @Override
        public boolean mayHost(final Item item, final Bin bin) {
            return true;
        }

        @Override
        public boolean mayHost(final Want want, final Bin bin) {
            return true;
        }
    };

    private static Capacity cpu(final int cores, final int gb) {
        return new Capacity(cores * 1000L, gb * GB, 0, 0, null);
    }

    private static Capacity gpu(final int cores, final int gb, final int gpus) {
        return new Capacity(cores * 1000L, gb * GB, 0, gpus, "l4");
    }

    private static Bin bin(final String id, final Capacity capacity, final Item... items) {
        Capacity free = capacity;
        for (final Item item : items) {
            free = free.minus(item.capacity());
        }
        return new Bin(id, capacity, free, List.of(items));
    }

    private static Item item(final String id, final Capacity capacity) {
        return new Item(id, "c1", capacity);
    }

    @Test
    void consolidatesTwoSliversIntoRoomForALargerDemand() {
        // a: 6 of 8 cores used, 2 free; b: 5 used (3 + 2), 3 free; a 4-core demand fits on neither
        final List<Bin> bins = List.of(bin("a", NODE, item("a1", cpu(6, 8))),
                bin("b", NODE, item("b1", cpu(3, 4)), item("b2", cpu(2, 4))));
        final Want want = new Want("d-9", cpu(4, 8));
        final List<Move> moves = new Defragmenter(ANY, 1.5, 3, 10).plan(bins, List.of(want), Map.of("c1", 5));
        // b2 (2 cores, dominant share 2/8) moves to a; b then has 5 free: the 4-core shape's share 4/8 over 2/8 is 2.0
        assertThat(moves).containsExactly(new Move("b2", "c1", "b", "a", want, 2.0));
        assertThat(moves.get(0).why()).contains("on b for a demand like d-9 (4.0 vCPU, 8 GB)").contains("gain 2.00x");
    }

    @Test
    void aPlanBelowTheGainThresholdIsNotTaken() {
        final List<Bin> bins = List.of(bin("a", NODE, item("a1", cpu(6, 8))),
                bin("b", NODE, item("b1", cpu(3, 4)), item("b2", cpu(2, 4))));
        assertThat(new Defragmenter(ANY, 2.01, 3, 10).plan(bins, List.of(new Want("d", cpu(4, 8))), Map.of("c1", 5)))
                .isEmpty();
    }

    @Test
    void nothingMovesForADemandThatFitsAlready() {
        final List<Bin> bins = List.of(bin("a", NODE, item("a1", cpu(2, 8))), bin("b", NODE, item("b1", cpu(7, 4))));
        assertThat(new Defragmenter(ANY, 1.0, 3, 10).plan(bins, List.of(new Want("d", cpu(4, 8))), Map.of("c1", 5)))
                .isEmpty();
    }

    @Test
    void aConsumersAllowanceIsARuleNotAPreference() {
        final List<Bin> bins = List.of(bin("a", NODE, item("a1", cpu(6, 8))),
                bin("b", NODE, item("b1", cpu(3, 4)), item("b2", cpu(2, 4))));
        final Want want = new Want("d", cpu(4, 8));
        assertThat(new Defragmenter(ANY, 1.0, 3, 10).plan(bins, List.of(want), Map.of("c1", 0))).isEmpty();
        assertThat(new Defragmenter(ANY, 1.0, 3, 10).plan(bins, List.of(want), Map.of())).isEmpty();
        // two shapes, one move allowed: only the first plan is taken
        final List<Bin> four = List.of(bin("a", NODE, item("a1", cpu(6, 8))),
                bin("b", NODE, item("b1", cpu(3, 4)), item("b2", cpu(2, 4))),
                bin("c", NODE, item("c1", cpu(6, 8))),
                bin("d", NODE, item("d1", cpu(3, 4)), item("d2", cpu(2, 4))));
        assertThat(new Defragmenter(ANY, 1.0, 3, 10).plan(four, List.of(want, new Want("e", cpu(4, 8))),
                Map.of("c1", 1))).hasSize(1);
        assertThat(new Defragmenter(ANY, 1.0, 3, 10).plan(four, List.of(want, new Want("e", cpu(4, 8))),
                Map.of("c1", 2))).hasSize(2);
    }

    /** A round out of time still plans for its largest shape (a round that plans nothing never catches up). */
    @Test
    void aRoundPastItsDeadlinePlansForTheLargestShapeAndStops() {
        final List<Bin> four = List.of(bin("a", NODE, item("a1", cpu(6, 8))),
                bin("b", NODE, item("b1", cpu(3, 4)), item("b2", cpu(2, 4))), bin("c", NODE, item("c1", cpu(6, 8))),
                bin("d", NODE, item("d1", cpu(3, 4)), item("d2", cpu(2, 4))));
        final Want small = new Want("small", cpu(4, 8));
        final Want large = new Want("large", cpu(5, 8));
        final Defragmenter planner = new Defragmenter(ANY, 1.0, 3, 10);
        assertThat(planner.plan(four, List.of(small, large), Map.of("c1", 5), System.nanoTime() - 1))
                .extracting(m -> m.forWant().demandId()).containsOnly("large").isNotEmpty();
        assertThat(planner.plan(four, List.of(small, large), Map.of("c1", 5), Long.MAX_VALUE))
                .extracting(m -> m.forWant().demandId()).contains("large", "small");
    }

    /** Room that moves already under way will free counts: the shape it is for needs no second plan. */
    @Test
    void aShapeThatFitsOnceMovesUnderWayAreDoneNeedsNoPlan() {
        // b holds b1 (3 cores) and 2 cores already moving off it: 3 free now, 5 once that move is done
        final Bin leaving = new Bin("b", NODE, cpu(3, 24), List.of(item("b1", cpu(3, 4))), cpu(2, 4));
        final Bin c = bin("c", NODE, item("c1", cpu(5, 8)));
        final Want want = new Want("d", cpu(4, 8));
        assertThat(new Defragmenter(ANY, 1.0, 3, 10).plan(List.of(leaving, c), List.of(want), Map.of("c1", 5))).isEmpty();
        // counted as staying, b1 would move to c for the same shape
        final Bin stays = new Bin("b", NODE, cpu(3, 24), List.of(item("b1", cpu(3, 4))));
        assertThat(new Defragmenter(ANY, 1.0, 3, 10).plan(List.of(stays, c), List.of(want), Map.of("c1", 5)))
                .extracting(Move::allocationId).containsExactly("b1");
    }

    @Test
    void roomFreedForOneShapeIsNotCountedTwiceNorFilledByAnotherMove() {
        final List<Bin> bins = List.of(bin("a", NODE, item("a1", cpu(6, 8))),
                bin("b", NODE, item("b1", cpu(3, 4)), item("b2", cpu(2, 4))));
        final List<Move> moves = new Defragmenter(ANY, 1.0, 3, 10).plan(bins,
                List.of(new Want("d1", cpu(4, 8)), new Want("d2", cpu(4, 8))), Map.of("c1", 5));
        assertThat(moves).extracting(Move::allocationId).containsExactly("b2");
        assertThat(moves).allSatisfy(m -> assertThat(m.toUnit()).isNotEqualTo(m.fromUnit()));
    }

    @Test
    void aMoveGoesOnlyWhereTheRulesAllowAndOnlyWhereItFits() {
        final Defragmenter.Rules regionOfB = new Defragmenter.Rules() {
            @Override
            public boolean mayHost(final Item item, final Bin bin) {
                return !bin.unitId().equals("a"); // the allocations of b may not go to a (its region, say)
            }

            @Override
            public boolean mayHost(final Want want, final Bin bin) {
                return true;
            }
        };
        final List<Bin> bins = List.of(bin("a", NODE, item("a1", cpu(6, 8))),
                bin("b", NODE, item("b1", cpu(3, 4)), item("b2", cpu(2, 4))),
                bin("c", NODE, item("c1", cpu(7, 8))));
        assertThat(new Defragmenter(regionOfB, 1.0, 3, 10).plan(bins, List.of(new Want("d", cpu(4, 8))), Map.of("c1", 5)))
                .isEmpty();
    }

    @Test
    void aGpuIsFreedByMovingTheCpuJobThatStrandsIt() {
        // an l4 node of 4 GPUs with 16 cores: CPU jobs hold 14 cores, so its 4 free GPUs have 2 cores beside them
        final Capacity l4 = gpu(16, 64, 4);
        final List<Bin> bins = List.of(bin("g", l4, item("j1", cpu(8, 8)), item("j2", cpu(6, 8))),
                bin("c", cpu(16, 64), item("x", cpu(4, 8))));
        final Want want = new Want("d-gpu", gpu(8, 16, 2));
        final List<Move> moves = new Defragmenter(ANY, 1.0, 3, 10).plan(bins, List.of(want), Map.of("c1", 5));
        // 6 more cores are missing: j2 (6 cores) covers it alone and is the smaller; it goes to c (12 free)
        assertThat(moves).containsExactly(new Move("j2", "c1", "g", "c", want, 0.5 / (6.0 / 16)));
    }

    @Test
    void theRoundStopsAtItsLimitAndAtTheMovesAShapeMayTake() {
        // 7 one-core jobs on b (1 core free), a 6-core demand: 5 must leave, more than the 3 a shape may take
        final Item[] ones = new Item[7];
        for (int i = 0; i < 7; i++) {
            ones[i] = item("o" + i, cpu(1, 1));
        }
        final List<Bin> bins = List.of(bin("b", NODE, ones), bin("a", cpu(64, 256)));
        final Want want = new Want("d", cpu(6, 8));
        assertThat(new Defragmenter(ANY, 0.1, 3, 10).plan(bins, List.of(want), Map.of("c1", 50)))
                .as("a fits on a as things are").isEmpty();
        final List<Bin> full = List.of(bin("b", NODE, ones), bin("a", cpu(8, 256), item("big", cpu(3, 8))));
        assertThat(new Defragmenter(ANY, 0.1, 3, 10).plan(full, List.of(want), Map.of("c1", 50))).isEmpty();
        assertThat(new Defragmenter(ANY, 0.1, 6, 10).plan(full, List.of(want), Map.of("c1", 50))).hasSize(5)
                .extracting(Move::toUnit).containsOnly("a");
        assertThat(new Defragmenter(ANY, 0.1, 6, 4).plan(full, List.of(want), Map.of("c1", 50))).isEmpty();
        assertThat(Set.of(Defragmenter.cover(cpu(2, 4), cpu(4, 2)))).containsExactly(0.75);
    }
}
