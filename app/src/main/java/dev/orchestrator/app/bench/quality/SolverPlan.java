package dev.orchestrator.app.bench.quality;

import ai.timefold.solver.core.api.solver.Solver;
import ai.timefold.solver.core.api.solver.SolverFactory;
import ai.timefold.solver.core.config.solver.SolverConfig;
import ai.timefold.solver.core.config.solver.termination.TerminationConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The best known solution: Timefold's construction heuristic then local search (late acceptance),
 * with every demand known up front and a time limit, as an offline planner would run.
 */
public final class SolverPlan {
    private SolverPlan() {
    }

    public static Map<String, String> solve(final QualityInstance instance, final Duration limit) {
        final List<Slot> slots = instance.demands().stream()
                .map(need -> new Slot(need, instance.units().stream().filter(u -> QualityInstance.allowed(need, u)).toList(),
                        instance.unplacedPenalty(need), instance.terms().fixedCost()))
                .toList();
        final SolverConfig config = new SolverConfig()
                .withSolutionClass(SlotPlan.class)
                .withEntityClasses(Slot.class)
                .withConstraintProviderClass(SlotConstraints.class)
                .withRandomSeed(7L)
                .withTerminationConfig(new TerminationConfig().withSpentLimit(limit)
                        .withUnimprovedSpentLimit(Duration.ofSeconds(Math.max(5, limit.toSeconds() / 3))));
        final Solver<SlotPlan> solver = SolverFactory.<SlotPlan>create(config).buildSolver();
        final SlotPlan best = solver.solve(new SlotPlan(instance.units(), slots));
        if (!best.getScore().isFeasible()) {
            throw new IllegalStateException("the solver found no feasible plan in " + limit.toSeconds() + " s: " + best.getScore());
        }
        final Map<String, String> placement = new HashMap<>();
        best.getSlots().stream().filter(s -> s.getUnit() != null).forEach(s -> placement.put(s.getId(), s.getUnit().id()));
        return placement;
    }
}
