package dev.orchestrator.app.verify;

import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.avro.UnitChange;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Part of invariant 1 for compute: a demand that names a GPU model is only ever reserved on units of
 * that model. The model wanted is read from the demand as its producer wrote it (normalized as the
 * engine documents: trimmed, lower case), the model built from the unit's own capacity in the audit;
 * so the engine's copy of the demand is not what is checked against itself. Holds one entry per
 * demand that names a model.
 */
final class GpuModels {
    private final List<Violation> violations;
    private final Map<String, String> wanted = new HashMap<>();

    GpuModels(final List<Violation> violations) {
        this.violations = violations;
    }

    /** A demand as its producer sent it. */
    void demand(final String demandId, final Demand demand) {
        if (demand.getKind() == ResourceKind.COMPUTE && demand.getResources() != null
                && demand.getResources().getGpuCount() > 0 && demand.getResources().getGpuType() != null) {
            wanted.put(demandId, demand.getResources().getGpuType().trim().toLowerCase(Locale.ROOT));
        }
    }

    /** A decision record: each reservation it made must be on a unit of the model its demand named. */
    void result(final AllocationResult result) {
        final String model = wanted.get(result.getDemandId());
        if (model == null) {
            return;
        }
        for (final UnitChange change : result.getUnitChanges()) {
            final String built = change.getCapacity().getGpuType();
            if (change.getAction().equals("RESERVED") && !model.equals(built)) {
                violations.add(new Violation(1, change.getDataUnitId(), "demand " + result.getDemandId() + " wants GPU model "
                        + model + " but was reserved on a unit of model " + built + " at audit sequence " + change.getSequence()));
            }
        }
    }

    /** How many demands named a model. */
    int demands() {
        return wanted.size();
    }
}
