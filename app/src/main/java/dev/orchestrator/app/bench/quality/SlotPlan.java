package dev.orchestrator.app.bench.quality;

import ai.timefold.solver.core.api.domain.solution.PlanningEntityCollectionProperty;
import ai.timefold.solver.core.api.domain.solution.PlanningScore;
import ai.timefold.solver.core.api.domain.solution.PlanningSolution;
import ai.timefold.solver.core.api.domain.solution.ProblemFactCollectionProperty;
import ai.timefold.solver.core.api.score.buildin.hardsoftlong.HardSoftLongScore;
import java.util.List;

/** The whole instance as the solver sees it: units as facts, one slot per demand. */
@PlanningSolution
public class SlotPlan {
    @ProblemFactCollectionProperty
    private List<QualityInstance.Unit> units;
    @PlanningEntityCollectionProperty
    private List<Slot> slots;
    @PlanningScore
    private HardSoftLongScore score;

    public SlotPlan() {
        // for the solver's cloning
    }

    SlotPlan(final List<QualityInstance.Unit> units, final List<Slot> slots) {
        this.units = units;
        this.slots = slots;
    }

    public List<QualityInstance.Unit> getUnits() {
        return units;
    }

    public List<Slot> getSlots() {
        return slots;
    }

    public HardSoftLongScore getScore() {
        return score;
    }

    public void setScore(final HardSoftLongScore score) {
        this.score = score;
    }
}
