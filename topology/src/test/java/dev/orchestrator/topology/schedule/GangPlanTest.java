package dev.orchestrator.topology.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.topology.model.Capacity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Gang plans with the arithmetic: largest first, each member against what the earlier ones take, all or nothing. */
class GangPlanTest {
    private static final Comparator<Capacity> BY_STORAGE = Comparator.comparingLong(Capacity::storageBytes);

    private static Capacity gb(final long gb) {
        return new Capacity(0, 0, gb, 0, null);
    }

    /** Members named by their size in GB; units by their free GB, tried in order (first fit). */
    private static GangPlan.Plan<Long> plan(final List<Long> members, final int min, final Map<String, Long> units,
                                            final List<String> looked) {
        return GangPlan.plan(members, GangPlanTest::gb, BY_STORAGE, min, (member, taken) -> {
            looked.add(member + ":" + taken);
            for (final Map.Entry<String, Long> unit : units.entrySet()) {
                final long free = unit.getValue() - taken.getOrDefault(unit.getKey(), Capacity.ZERO).storageBytes();
                if (free >= member) {
                    return Optional.of(unit.getKey());
                }
            }
            return Optional.empty();
        });
    }

    private static Map<String, Long> units(final long... free) {
        final Map<String, Long> units = new LinkedHashMap<>();
        for (int i = 0; i < free.length; i++) {
            units.put("u" + (i + 1), free[i]);
        }
        return units;
    }

    @Test
    void seatsTheLargestFirstEachAgainstWhatTheEarlierOnesTake() {
        final List<String> looked = new ArrayList<>();
        // 30, 70, 50 into 100 + 60: in arrival order first fit would put 30 and 50 on u1 and strand 70;
        // largest first: 70 on u1, 50 on u2, 30 on u1 (100 - 70 = 30 left): all three
        final GangPlan.Plan<Long> plan = plan(List.of(30L, 70L, 50L), 3, units(100, 60), looked);
        assertThat(plan.complete()).isTrue();
        assertThat(plan.seats()).extracting(s -> s.member() + "@" + s.unitId()).containsExactly("70@u1", "50@u2", "30@u1");
        // each member saw the earlier members' holds
        assertThat(looked.get(1)).isEqualTo("50:{u1=" + gb(70) + "}");
    }

    @Test
    void aGangBelowItsMinimumIsNotCompleteAndKeepsTheUnseated() {
        final GangPlan.Plan<Long> plan = plan(List.of(60L, 60L, 60L), 3, units(100, 100), new ArrayList<>());
        assertThat(plan.seats()).hasSize(2);
        assertThat(plan.unseated()).containsExactly(60L);
        assertThat(plan.complete()).isFalse();
        // two of three is enough for a gang that needs two
        assertThat(plan(List.of(60L, 60L, 60L), 2, units(100, 100), new ArrayList<>()).complete()).isTrue();
    }

    @Test
    void aMemberThatFitsNowhereIsSkippedAndSmallerOnesStillTried() {
        final GangPlan.Plan<Long> plan = plan(List.of(10L, 500L, 20L), 2, units(50), new ArrayList<>());
        assertThat(plan.seats()).extracting(GangPlan.Seat::member).containsExactly(20L, 10L);
        assertThat(plan.unseated()).containsExactly(500L);
        assertThat(plan.complete()).isTrue();
        assertThat(plan(List.of(), 1, units(50), new ArrayList<>()).complete()).isFalse();
    }

    @Test
    void equalSizesKeepTheirArrivalOrder() {
        final GangPlan.Plan<String> plan = GangPlan.plan(List.of("a", "big", "b", "c"),
                m -> gb(m.equals("big") ? 9 : 5), BY_STORAGE, 1, (member, taken) -> Optional.of("u" + taken.size()));
        assertThat(plan.seats()).extracting(GangPlan.Seat::member).containsExactly("big", "a", "b", "c");
        assertThat(plan.seats()).extracting(GangPlan.Seat::unitId).containsExactly("u0", "u1", "u2", "u3");
    }
}
