package dev.orchestrator.app.bench.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.topology.model.Capacity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hard quality families: their shape, their arithmetic (fixed costs, per-unit penalties, stranding), and the baselines on them. */
class QualityFamiliesTest {
    private static final long GB = 1_000_000_000L;

    private static double asked(final QualityInstance instance, final java.util.function.ToLongFunction<Capacity> dimension) {
        final double wanted = instance.demands().stream().mapToLong(d -> dimension.applyAsLong(d.capacity())).sum();
        return wanted / instance.units().stream().mapToLong(u -> dimension.applyAsLong(u.capacity())).sum();
    }

    @Test
    void anOversubscribedInstanceAsksMoreThanTheFleetHasOnEveryDimension() {
        final QualityInstance instance = QualityFamily.OVERSUBSCRIBED.generate(7, 60, 400, 3);

        assertThat(QualityFamily.OVERSUBSCRIBED.generate(7, 60, 400, 3)).isEqualTo(instance);
        assertThat(asked(instance, Capacity::cpuMillis)).isBetween(1.2, 1.5);
        assertThat(asked(instance, Capacity::memoryBytes)).isBetween(1.2, 1.5);
        assertThat(asked(instance, c -> c.gpuCount())).isBetween(1.0, 1.6);
        final long bound = instance.demands().stream().filter(d -> !d.region().isEmpty()).count();
        assertThat(bound / 400.0).isBetween(0.4, 0.6);
        assertThat(instance.terms().perUnitPenalty()).isTrue();
        assertThat(instance.terms().fixedCost()).isFalse();
        assertThat(QualityFamily.FIXED_COST.generate(7, 60, 400, 3).terms().fixedCost()).isTrue();
        assertThat(QualityFamily.named("fixed-cost")).isEqualTo(QualityFamily.FIXED_COST);
        assertThatThrownBy(() -> QualityFamily.named("hard")).hasMessageContaining("[easy, oversubscribed, fixed-cost]");
    }

    @Test
    void onAUnitOfItsKindAnyPlacementCostsLessThanRejectingTheDemand() {
        final QualityInstance instance = QualityFamily.OVERSUBSCRIBED.generate(11, 60, 400, 3);
        for (final QualityInstance.Need need : instance.demands()) {
            for (final QualityInstance.Unit unit : instance.units()) {
                if (QualityInstance.allowed(need, unit) && (need.capacity().gpuCount() > 0) == (unit.capacity().gpuCount() > 0)) {
                    assertThat(QualityInstance.cost(need, unit)).as(need + " on " + unit).isLessThan(instance.unplacedPenalty(need));
                }
            }
        }
    }

    @Test
    void fixedCostsChargeEachUnitInUseOnceAndRejectionsPerUnitAsked() {
        final QualityInstance.Unit a = new QualityInstance.Unit("a", "p", "r", new Capacity(8_000, 32 * GB, 0, 0, null), 1_000_000, 5);
        final QualityInstance.Unit b = new QualityInstance.Unit("b", "p", "r", new Capacity(8_000, 32 * GB, 0, 0, null), 3_000_000, 5);
        final List<QualityInstance.Need> needs = List.of(
                new QualityInstance.Need("n1", "c", new Capacity(2_000, 8 * GB, 0, 0, null), "", 0),
                new QualityInstance.Need("n2", "c", new Capacity(2_000, 8 * GB, 0, 0, null), "", 0),
                new QualityInstance.Need("n3", "c", new Capacity(4_000, 2 * GB, 0, 0, null), "", 0));
        final QualityInstance instance = new QualityInstance(List.of(a, b), needs, List.of("r"),
                new QualityInstance.Terms("fixed-cost", true, 100_000, 10_000, 0));

        final PlanCost spread = PlanCost.of("spread", instance, Map.of("n1", "a", "n2", "b", "n3", "a"), 0);
        final PlanCost packed = PlanCost.of("packed", instance, Map.of("n1", "a", "n2", "a", "n3", "a"), 0);
        final PlanCost rejecting = PlanCost.of("rejecting", instance, Map.of("n1", "a", "n2", "a"), 0);

        assertThat(spread.costMicros()).isEqualTo(4_000_000);
        assertThat(packed.costMicros()).isEqualTo(1_000_000);
        assertThat(packed.objectiveMicros()).isEqualTo(1_000_000);
        // n3 rejected: 4 vCPU x $0.10 + 2 GB x $0.01
        assertThat(rejecting.objectiveMicros()).isEqualTo(1_000_000 + 400_000 + 20_000);
        assertThat(FirstFitDecreasing.solve(instance)).as("the greedy fills a unit in use before it opens another")
                .containsOnly(Map.entry("n1", "a"), Map.entry("n2", "a"), Map.entry("n3", "a"));
    }

    @Test
    void freeCapacityNoDemandCanUseBesideWhatIsLeftIsStranded() {
        final QualityInstance.Unit unit = new QualityInstance.Unit("u", "p", "r", new Capacity(8_000, 16 * GB, 0, 4, "a100"), 1, 5);
        final List<QualityInstance.Need> needs = List.of(
                new QualityInstance.Need("big-memory", "c", new Capacity(2_000, 16 * GB, 0, 0, null), "", 0),
                new QualityInstance.Need("gpu", "c", new Capacity(1_000, 4 * GB, 0, 1, "a100"), "", 0));
        final QualityInstance instance = new QualityInstance(List.of(unit), needs, List.of("r"),
                new QualityInstance.Terms("oversubscribed", false, 1, 1, 1));

        final PlanCost plan = PlanCost.of("memory first", instance, Map.of("big-memory", "u"), 0);

        // all memory taken: the 6 free vCPUs and the 4 free GPUs can serve nothing
        assertThat(plan.placedPercent()).containsEntry("cpu", 25.0).containsEntry("memory", 100.0).containsEntry("gpu", 0.0);
        assertThat(plan.strandedPercent()).containsEntry("cpu", 75.0).containsEntry("memory", 0.0).containsEntry("gpu", 100.0);
    }

    @Test
    void theBaselinesKeepEveryConstraintOnTheHardFamiliesAndTheSolverBeatsTheGreedy() {
        for (final QualityFamily family : List.of(QualityFamily.OVERSUBSCRIBED, QualityFamily.FIXED_COST)) {
            final QualityInstance instance = family.generate(7, 30, 200, 3);
            final PlanCost greedy = PlanCost.of("ffd", instance, FirstFitDecreasing.solve(instance), 0);
            final PlanCost solved = PlanCost.of("solver", instance, SolverPlan.solve(instance, Duration.ofSeconds(3)), 0);

            if (family == QualityFamily.OVERSUBSCRIBED) {
                assertThat(greedy.unplaced()).as("oversubscribed: something is left").isPositive();
            } else {
                assertThat(asked(instance, Capacity::cpuMillis)).isBetween(0.6, 0.8);
                assertThat(solved.costMicros()).as("fixed costs: some units left empty")
                        .isLessThan(instance.units().stream().mapToLong(QualityInstance.Unit::pricePerHourMicros).sum());
            }
            assertThat(solved.objectiveMicros()).as(family.cliName()).isLessThanOrEqualTo(greedy.objectiveMicros());
        }
    }
}
