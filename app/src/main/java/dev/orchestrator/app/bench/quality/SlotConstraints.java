package dev.orchestrator.app.bench.quality;

import ai.timefold.solver.core.api.score.buildin.hardsoftlong.HardSoftLongScore;
import ai.timefold.solver.core.api.score.stream.Constraint;
import ai.timefold.solver.core.api.score.stream.ConstraintCollectors;
import ai.timefold.solver.core.api.score.stream.ConstraintFactory;
import ai.timefold.solver.core.api.score.stream.ConstraintProvider;

/** Hard: no unit over capacity on any dimension (CPU, memory, GPUs). Soft: the objective of {@link PlanCost}, cost plus unplaced penalties. */
public class SlotConstraints implements ConstraintProvider {
    private static final long MB = 1_000_000;

    @Override
    public Constraint[] defineConstraints(final ConstraintFactory factory) {
        return new Constraint[] {
            factory.forEach(Slot.class)
                    .groupBy(Slot::getUnit, ConstraintCollectors.sumLong(s -> s.getNeed().capacity().cpuMillis()),
                            ConstraintCollectors.sumLong(s -> s.getNeed().capacity().memoryBytes() / MB),
                            ConstraintCollectors.sumLong(s -> (long) s.getNeed().capacity().gpuCount()))
                    .filter((unit, cpu, memory, gpus) -> cpu > unit.capacity().cpuMillis()
                            || memory > unit.capacity().memoryBytes() / MB || gpus > unit.capacity().gpuCount())
                    .penalizeLong(HardSoftLongScore.ONE_HARD, (unit, cpu, memory, gpus) ->
                            Math.max(0, cpu - unit.capacity().cpuMillis()) + Math.max(0, memory - unit.capacity().memoryBytes() / MB)
                                    + 1_000 * Math.max(0, gpus - unit.capacity().gpuCount()))
                    .asConstraint("capacity"),
            factory.forEach(Slot.class)
                    .filter(s -> !s.isFixedCost())
                    .penalizeLong(HardSoftLongScore.ONE_SOFT, s -> QualityInstance.cost(s.getNeed(), s.getUnit()))
                    .asConstraint("cost"),
            // fixed costs: every unit in use costs its whole price, once
            factory.forEach(Slot.class)
                    .filter(Slot::isFixedCost)
                    .groupBy(Slot::getUnit)
                    .penalizeLong(HardSoftLongScore.ONE_SOFT, QualityInstance.Unit::pricePerHourMicros)
                    .asConstraint("units in use"),
            factory.forEachIncludingUnassigned(Slot.class)
                    .filter(s -> s.getUnit() == null)
                    .penalizeLong(HardSoftLongScore.ONE_SOFT, Slot::getUnplacedPenalty)
                    .asConstraint("unplaced")
        };
    }
}
