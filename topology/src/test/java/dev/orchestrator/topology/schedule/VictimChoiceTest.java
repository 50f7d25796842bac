package dev.orchestrator.topology.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.schedule.VictimChoice.Holder;
import dev.orchestrator.topology.schedule.VictimChoice.Plan;
import dev.orchestrator.topology.schedule.VictimChoice.Room;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Victim choice with the arithmetic: fewest victims, lowest priorities, the gap, budgets as hard rules. */
class VictimChoiceTest {
    private static final Map<String, Integer> ANY = Map.of("a", 10, "b", 10, "c", 10);

    private static Capacity gb(final long gb) {
        return new Capacity(0, 0, gb * 1_000_000_000L, 0, null);
    }

    private static Capacity cpu(final long cores, final long memGb) {
        return new Capacity(cores * 1000, memGb * 1_000_000_000L, 0, 0, null);
    }

    private static Holder h(final String id, final String consumer, final int priority, final Capacity capacity) {
        return new Holder(id, consumer, priority, capacity);
    }

    private static List<String> victims(final Optional<Plan> plan) {
        return plan.orElseThrow().victims().stream().map(Holder::allocationId).toList();
    }

    @Test
    void takesTheUnitNeedingFewestVictimsThenTheLowestPriorities() {
        // u1: 10 free + two of 30 at priority 0 frees 70 for a 60 demand: two victims
        // u2: 0 free + one of 70 at priority 5: one victim, though of higher priority: fewest wins
        // u3: 20 free + one of 50 at priority 2: one victim of lower priority than u2's: u3 wins
        final List<Room> rooms = List.of(
                new Room("u1", gb(10), List.of(h("a1", "a", 0, gb(30)), h("a2", "a", 0, gb(30)))),
                new Room("u2", gb(0), List.of(h("b1", "b", 5, gb(70)))),
                new Room("u3", gb(20), List.of(h("c1", "c", 2, gb(50)))));
        final Optional<Plan> plan = VictimChoice.choose(gb(60), 10, 1, rooms, ANY);
        assertThat(plan.orElseThrow().unitId()).isEqualTo("u3");
        assertThat(victims(plan)).containsExactly("c1");
        assertThat(plan.get().highestPriority()).isEqualTo(2);

        // without u3, u2's single victim beats u1's two
        assertThat(VictimChoice.choose(gb(60), 10, 1, rooms.subList(0, 2), ANY).orElseThrow().unitId()).isEqualTo("u2");
    }

    @Test
    void aVictimMustBeAtLeastTheGapBelowAndTheLowestGoFirst() {
        final Room room = new Room("u1", gb(0), List.of(h("p7", "a", 7, gb(50)), h("p3", "a", 3, gb(50)),
                h("p8", "a", 8, gb(50))));
        // priority 10, gap 3: 7 and 3 may go (7 <= 10 - 3), 8 may not; 50 needed: the lower, 3, goes
        assertThat(victims(VictimChoice.choose(gb(50), 10, 3, List.of(room), ANY))).containsExactly("p3");
        // 100 needed: both eligible go
        assertThat(victims(VictimChoice.choose(gb(100), 10, 3, List.of(room), ANY))).containsExactlyInAnyOrder("p3", "p7");
        // 150 needed: the 8 is out of reach, nothing frees enough
        assertThat(VictimChoice.choose(gb(150), 10, 3, List.of(room), ANY)).isEmpty();
        // gap 4: only the 3 (3 <= 6, 7 > 6)
        assertThat(VictimChoice.choose(gb(100), 10, 4, List.of(room), ANY)).isEmpty();
        assertThat(VictimChoice.outranked(7, 10, 3)).isTrue();
        assertThat(VictimChoice.outranked(8, 10, 3)).isFalse();
        // no overflow at the ends of the range
        assertThat(VictimChoice.outranked(Integer.MAX_VALUE, Integer.MIN_VALUE, 1)).isFalse();
    }

    @Test
    void theDisruptionBudgetIsAHardRuleNotATieBreaker() {
        final List<Room> rooms = List.of(
                new Room("u1", gb(0), List.of(h("a1", "a", 0, gb(40)), h("a2", "a", 0, gb(40)))),
                new Room("u2", gb(0), List.of(h("b1", "b", 1, gb(30)), h("b2", "b", 1, gb(30)), h("b3", "b", 1, gb(30)))));
        // a may lose one more, b two: u1 would need both of a's; u2 needs three of b's: nothing fits the budgets
        assertThat(VictimChoice.choose(gb(80), 10, 1, rooms, Map.of("a", 1, "b", 2))).isEmpty();
        // b may lose three: u2, though of higher priority and more victims, is the only plan within budgets
        assertThat(victims(VictimChoice.choose(gb(80), 10, 1, rooms, Map.of("a", 1, "b", 3))))
                .containsExactlyInAnyOrder("b1", "b2", "b3");
        // a consumer with no allowance at all (absent) is never a victim
        assertThat(VictimChoice.choose(gb(80), 10, 1, rooms, Map.of("b", 3)).orElseThrow().unitId()).isEqualTo("u2");
        // both within budget: u1's two victims beat u2's three
        assertThat(VictimChoice.choose(gb(80), 10, 1, rooms, Map.of("a", 2, "b", 3)).orElseThrow().unitId()).isEqualTo("u1");
    }

    @Test
    void victimsTheRoomDoesNotNeedAreGivenBackHighestPriorityFirst() {
        // 50 needed, 0 free: by priority 0 (10 GB), 1 (10 GB), then 2 (45 GB) reaches 65; giving back the
        // highest that is not needed: the 2 is needed (without it 20), the 1 is not (55 >= 50), the 0 is
        // then needed (45 < 50)
        final Room room = new Room("u1", gb(0), List.of(h("p0", "a", 0, gb(10)), h("p1", "a", 1, gb(10)),
                h("p2", "a", 2, gb(45))));
        assertThat(victims(VictimChoice.choose(gb(50), 10, 1, List.of(room), ANY))).containsExactlyInAnyOrder("p0", "p2");
    }

    @Test
    void amongEqualPrioritiesThoseCoveringMoreOfWhatIsMissingGoFirst() {
        // 8 cores and 8 GB wanted, 0 free: the memory-heavy job covers little of the missing CPU
        final Room room = new Room("n1", cpu(0, 0), List.of(h("mem", "a", 0, cpu(1, 60)), h("cpu", "a", 0, cpu(8, 8))));
        assertThat(victims(VictimChoice.choose(cpu(8, 8), 10, 1, List.of(room), ANY))).containsExactly("cpu");
    }
}
