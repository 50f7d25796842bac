package dev.orchestrator.app.bench.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QualityPlanningTest {
    private final QualityInstance instance = QualityInstance.generate(7, 30, 200, 3);

    @Test
    void theSameSeedGivesTheSameInstanceAndItAsksForMostOfTheFleet() {
        assertThat(QualityInstance.generate(7, 30, 200, 3)).isEqualTo(instance);
        final double cpuAsked = instance.demands().stream().mapToLong(d -> d.capacity().cpuMillis()).sum();
        final double cpuOffered = instance.units().stream().mapToLong(u -> u.capacity().cpuMillis()).sum();
        assertThat(cpuAsked / cpuOffered).isBetween(0.8, 0.9);
        assertThat(instance.demands()).anyMatch(d -> !d.region().isEmpty()).anyMatch(d -> d.sla() != 0);
    }

    @Test
    void firstFitDecreasingKeepsEveryConstraint() {
        final PlanCost plan = PlanCost.of("ffd", instance, FirstFitDecreasing.solve(instance), 0);

        assertThat(plan.placed()).isGreaterThan(180);
        assertThat(plan.objectiveMicros()).isGreaterThanOrEqualTo(plan.costMicros());
    }

    @Test
    void theSolverKeepsEveryConstraintAndDoesAtLeastAsWellAsTheGreedyBaseline() {
        final PlanCost greedy = PlanCost.of("ffd", instance, FirstFitDecreasing.solve(instance), 0);
        final PlanCost solved = PlanCost.of("solver", instance, SolverPlan.solve(instance, Duration.ofSeconds(5)), 0);

        assertThat(solved.objectiveMicros()).isLessThanOrEqualTo(greedy.objectiveMicros());
        assertThat(greedy.gapPercent(solved)).isGreaterThanOrEqualTo(0);
    }

    @Test
    void aPlanThatOvercommitsOrIgnoresAConstraintIsRefused() {
        final QualityInstance.Need bound = instance.demands().stream().filter(d -> !d.region().isEmpty()).findFirst().orElseThrow();
        final QualityInstance.Unit elsewhere = instance.units().stream().filter(u -> !u.region().equals(bound.region()))
                .findFirst().orElseThrow();
        final QualityInstance.Unit smallest = instance.units().stream()
                .min((a, b) -> Long.compare(a.capacity().cpuMillis(), b.capacity().cpuMillis())).orElseThrow();
        final Map<String, String> everythingOnOne = new java.util.HashMap<>();
        instance.demands().stream().filter(d -> QualityInstance.allowed(d, smallest))
                .forEach(d -> everythingOnOne.put(d.id(), smallest.id()));

        assertThatThrownBy(() -> PlanCost.of("crammed", instance, everythingOnOne, 0)).hasMessageContaining("overcommitted");
        assertThatThrownBy(() -> PlanCost.of("wrong", instance, Map.of(bound.id(), elsewhere.id()), 0))
                .hasMessageContaining("may not use");
    }
}
