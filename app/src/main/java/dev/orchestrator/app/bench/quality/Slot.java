package dev.orchestrator.app.bench.quality;

import ai.timefold.solver.core.api.domain.entity.PlanningEntity;
import ai.timefold.solver.core.api.domain.lookup.PlanningId;
import ai.timefold.solver.core.api.domain.valuerange.ValueRangeProvider;
import ai.timefold.solver.core.api.domain.variable.PlanningVariable;
import java.util.List;

/** The solver's decision for one demand: which allowed unit takes it, or none. */
@PlanningEntity
public class Slot {
    @PlanningId
    private String id;
    private QualityInstance.Need need;
    private List<QualityInstance.Unit> allowed;
    private long unplacedPenalty;
    private boolean fixedCost;
    @PlanningVariable(valueRangeProviderRefs = "allowed", allowsUnassigned = true)
    private QualityInstance.Unit unit;

    public Slot() {
        // for the solver's cloning
    }

    Slot(final QualityInstance.Need need, final List<QualityInstance.Unit> allowed, final long unplacedPenalty,
         final boolean fixedCost) {
        this.id = need.id();
        this.need = need;
        this.allowed = allowed;
        this.unplacedPenalty = unplacedPenalty;
        this.fixedCost = fixedCost;
    }

    /** Whether units cost their whole price once in use (the slot's own pro-rata cost is then not charged). */
    public boolean isFixedCost() {
        return fixedCost;
    }

    public String getId() {
        return id;
    }

    public QualityInstance.Need getNeed() {
        return need;
    }

    @ValueRangeProvider(id = "allowed")
    public List<QualityInstance.Unit> getAllowed() {
        return allowed;
    }

    public long getUnplacedPenalty() {
        return unplacedPenalty;
    }

    public QualityInstance.Unit getUnit() {
        return unit;
    }

    public void setUnit(final QualityInstance.Unit unit) {
        this.unit = unit;
    }
}
