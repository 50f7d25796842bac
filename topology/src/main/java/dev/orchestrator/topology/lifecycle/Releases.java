package dev.orchestrator.topology.lifecycle;

import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.decide.WaitingDemands;
import dev.orchestrator.topology.emit.Decisions;
import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.model.DemandRecord;
import dev.orchestrator.topology.model.Moved;
import dev.orchestrator.topology.model.ReleaseMark;
import dev.orchestrator.topology.routing.RouteMessage;
import dev.orchestrator.topology.task.EngineTask;

/**
 * RELEASE demands: kept where they arrive (so a repeat is a duplicate), then sent to the task the
 * released demand arrived on, and on from there to wherever its allocation went, which frees it and
 * answers the RELEASE demand with its decision. A demand still waiting for capacity is withdrawn.
 */
public final class Releases {
    /** A request follows at most this many moves before it is answered (a cycle cannot form; this bounds a bug). */
    private static final int MAX_HOPS = 16;

    private final EngineTask task;
    private final Endings endings;
    private final WaitingDemands waiting;

    public Releases(final EngineTask task, final Endings endings, final WaitingDemands waiting) {
        this.task = task;
        this.endings = endings;
        this.waiting = waiting;
    }

    /** A valid RELEASE demand that arrived here. */
    public void arrived(final String demandId, final String consumerId, final String releaseOf, final long requestedAt) {
        task.log().keep(new ReleaseMark(demandId, consumerId, releaseOf, requestedAt));
        task.router().toOwner(releaseOf, new RouteMessage.ReleaseRequest(demandId, consumerId, releaseOf, requestedAt, 0));
    }

    public void onRequest(final RouteMessage.ReleaseRequest request) {
        final DemandRecord record = task.log().get(request.releaseOf());
        if (record instanceof Moved moved && request.hops() < MAX_HOPS && moved.to() != task.self()) {
            task.router().send(moved.to(), request.releaseOf(), new RouteMessage.ReleaseRequest(request.releaseDemandId(),
                    request.consumerId(), request.releaseOf(), request.requestedAt(), request.hops() + 1));
            return;
        }
        if (record instanceof Allocation allocation && allocation.consumerId().equals(request.consumerId())) {
            if (allocation.holdsCapacity()) {
                final Allocation ended = endings.end(allocation, Allocation.Status.RELEASED, "RELEASED", ReasonCode.NONE,
                        "released by " + request.releaseDemandId(), request.releaseDemandId());
                answer(request, ended.unitId(), ReasonCode.NONE, "");
                return;
            }
            final String waited = waiting.withdraw(allocation, request.releaseDemandId());
            if (waited != null) {
                answer(request, "", ReasonCode.NONE, "withdrawn " + waited);
                return;
            }
            if (allocation.status() == Allocation.Status.PENDING || allocation.status() == Allocation.Status.REPLACING) {
                answer(request, "", ReasonCode.ALLOCATION_NOT_FOUND, "demand " + request.releaseOf()
                        + " is not placed yet; release it once it is");
                return;
            }
        }
        answer(request, "", ReasonCode.ALLOCATION_NOT_FOUND, "no live allocation for demand " + request.releaseOf());
    }

    private void answer(final RouteMessage.ReleaseRequest request, final String unitId, final ReasonCode reason,
                        final String detail) {
        task.out().decision(Decisions.releaseAnswer(request.releaseDemandId(), request.consumerId(), request.releaseOf(),
                unitId, reason, detail, task.out()));
    }
}
