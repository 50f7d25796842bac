package dev.orchestrator.topology.lifecycle;

import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.task.EngineTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deadlines of allocations, as the task's deadline queue brings them: a reservation no executor
 * confirmed in time lapses (EXPIRED, RESERVATION_EXPIRED); an allocation whose duration has run out
 * is released. A deadline that moved or no longer applies is ignored.
 */
public final class Expiry {
    private static final Logger LOG = LoggerFactory.getLogger(Expiry.class);

    private final EngineTask task;
    private final Endings endings;

    public Expiry(final EngineTask task, final Endings endings) {
        this.task = task;
        this.endings = endings;
    }

    public void confirmDue(final String demandId, final long now) {
        if (task.log().get(demandId) instanceof Allocation allocation && allocation.status() == Allocation.Status.PLACED
                && now >= allocation.placement().confirmBy()) {
            final long waited = now - allocation.placement().reservedAt();
            LOG.info("reservation expired allocation={} unit={} unconfirmed for {} ms", demandId, allocation.unitId(), waited);
            endings.end(allocation, Allocation.Status.EXPIRED, "EXPIRED", ReasonCode.RESERVATION_EXPIRED,
                    "no executor confirmed it within " + task.settings().confirmWithinMillis() + " ms", "");
        }
    }

    public void endDue(final String demandId, final long now) {
        if (task.log().get(demandId) instanceof Allocation allocation && allocation.status() == Allocation.Status.ACTIVE
                && allocation.placement().endsAt() > 0 && now >= allocation.placement().endsAt()) {
            endings.end(allocation, Allocation.Status.RELEASED, "RELEASED", ReasonCode.NONE, "DURATION_ENDED", "");
        }
    }
}
