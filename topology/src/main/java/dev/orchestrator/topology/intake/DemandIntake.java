package dev.orchestrator.topology.intake;

import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.schemas.DeadLetter;
import dev.orchestrator.topology.decide.Placements;
import dev.orchestrator.topology.lifecycle.Releases;
import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.PlaceRequest;
import dev.orchestrator.topology.model.UnitKind;
import dev.orchestrator.topology.normalize.InvalidInputException;
import dev.orchestrator.topology.normalize.Normalizer;
import dev.orchestrator.topology.normalize.Refused;
import dev.orchestrator.topology.task.EngineTask;
import java.util.List;

/**
 * Step 1 for demand, on the task its id hashes to: a repeated id is a duplicate; a demand that breaks
 * a rule is REJECTED naming the field (and dead-lettered); a PLACE goes to be decided right here, a
 * RELEASE to the allocation it names.
 */
public final class DemandIntake {
    private final EngineTask task;
    private final Placements placements;
    private final Releases releases;

    public DemandIntake(final EngineTask task, final Placements placements, final Releases releases) {
        this.task = task;
        this.placements = placements;
        this.releases = releases;
    }

    public void onDemand(final String key, final Demand demand) {
        if (demand == null) {
            throw new Refused(ReasonCode.INVALID_INPUT, "value", "a demand cannot be empty (tombstone)");
        }
        if (!demand.getDemandId().equals(key)) {
            // deciding it would write a decision onto whichever demand id the record names: refuse it whole
            throw new Refused(ReasonCode.INVALID_INPUT, "key", "the record key '" + DeadLetter.clip(key)
                    + "' is not the demandId '" + DeadLetter.clip(demand.getDemandId()) + "'");
        }
        if (task.log().get(demand.getDemandId()) != null) {
            throw new Refused(ReasonCode.DUPLICATE, "demandId", "demand " + demand.getDemandId() + " was already decided");
        }
        try {
            if (demand.getType() == DemandType.PLACE) {
                placements.arrived(task.normalizer().place(demand));
            } else {
                task.normalizer().checkIdentity(demand);
                releases.arrived(demand.getDemandId(), demand.getConsumerId(), demand.getReleaseOf(),
                        demand.getRequestedAt().toEpochMilli());
            }
        } catch (final InvalidInputException e) {
            rejectInvalid(demand, e);
            throw new Refused(ReasonCode.INVALID_INPUT, e.field(), e.getMessage());
        }
    }

    /** A producer can only learn why through a decision it can find: that needs an id to key it by. */
    private void rejectInvalid(final Demand demand, final InvalidInputException e) {
        final String demandId = demand.getDemandId();
        if (!Normalizer.isId(demandId)) {
            return;
        }
        final String consumerId = demand.getConsumerId() == null ? "" : DeadLetter.clip(demand.getConsumerId());
        final PlaceRequest nothing = new PlaceRequest(demandId, consumerId, UnitKind.STORAGE, Capacity.ZERO, List.of(),
                Long.MAX_VALUE, "", 0, demand.getRequestedAt().toEpochMilli());
        final Allocation pending = Allocation.pending(nothing, task.self());
        task.log().write(pending, pending.edit().status(Allocation.Status.REJECTED)
                .reason(ReasonCode.INVALID_INPUT.name(), e.getMessage()), "REJECTED", List.of());
    }
}
