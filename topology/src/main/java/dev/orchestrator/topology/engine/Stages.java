package dev.orchestrator.topology.engine;

import dev.orchestrator.topology.admission.LeaseDesk;
import dev.orchestrator.topology.admission.PolicyDesk;
import dev.orchestrator.topology.decide.Placements;
import dev.orchestrator.topology.intake.DemandIntake;
import dev.orchestrator.topology.intake.OutcomeIntake;
import dev.orchestrator.topology.lifecycle.Endings;
import dev.orchestrator.topology.lifecycle.Expiry;
import dev.orchestrator.topology.lifecycle.Outcomes;
import dev.orchestrator.topology.lifecycle.Releases;
import dev.orchestrator.topology.lifecycle.UnitEvents;
import dev.orchestrator.topology.migration.HostedTargets;
import dev.orchestrator.topology.migration.MigrationSlots;
import dev.orchestrator.topology.migration.Migrations;
import dev.orchestrator.topology.optimize.Optimizer;
import dev.orchestrator.topology.routing.RouteMessage;
import dev.orchestrator.topology.routing.Summaries;
import dev.orchestrator.topology.task.EngineTask;
import dev.orchestrator.topology.telemetry.DeadlineQueue;
import dev.orchestrator.topology.telemetry.Heartbeats;

/**
 * The stages of one engine task, in the order of DESIGN.md section 3, and where each message from
 * another task (or from this one) goes.
 */
final class Stages {
    final DemandIntake demands;
    final OutcomeIntake outcomeIntake;
    final LeaseDesk leases;
    final PolicyDesk policies;
    final Placements placements;
    final Endings endings;
    final Releases releases;
    final Outcomes outcomes;
    final Expiry expiry;
    final UnitEvents units;
    final Heartbeats heartbeats;
    final Migrations migrations;
    final HostedTargets hosted;
    final MigrationSlots slots;
    final Summaries summaries;
    final Optimizer optimizer;
    private final EngineTask task;

    Stages(final EngineTask task) {
        this.task = task;
        leases = new LeaseDesk(task);
        policies = new PolicyDesk(task, leases);
        placements = new Placements(task);
        endings = new Endings(task);
        releases = new Releases(task, endings, placements.waiting());
        demands = new DemandIntake(task, placements, releases);
        migrations = new Migrations(task);
        hosted = new HostedTargets(task, leases);
        slots = new MigrationSlots(task);
        outcomes = new Outcomes(task, placements, endings, migrations, hosted);
        outcomeIntake = new OutcomeIntake(task);
        expiry = new Expiry(task, endings);
        units = new UnitEvents(task, migrations);
        heartbeats = new Heartbeats(task, migrations);
        summaries = new Summaries(task);
        optimizer = new Optimizer(task, migrations);
    }

    /** A message from task {@code from}; what cannot be applied is refused for a dead letter. */
    void route(final RouteMessage message, final int from) {
        if (message instanceof RouteMessage.Spill spill) {
            placements.onSpill(spill);
        } else if (message instanceof RouteMessage.GangMember member) {
            placements.gangs().onMember(member);
        } else if (message instanceof RouteMessage.GangHandoff handoff) {
            placements.gangs().onHandoff(handoff);
        } else if (message instanceof RouteMessage.LeaseGrant grant) {
            placements.onGrant(grant);
        } else if (message instanceof RouteMessage.LeaseRequest request) {
            leases.onRequest(request);
        } else if (message instanceof RouteMessage.LeaseReturn returned) {
            leases.onReturn(returned);
        } else if (message instanceof RouteMessage.LeaseRecall recall) {
            leases.onRecall(recall);
        } else if (message instanceof RouteMessage.PolicyCopy copy) {
            leases.onCopy(copy);
        } else if (message instanceof RouteMessage.SlaCopy copy) {
            policies.onSlaCopy(copy);
        } else if (message instanceof RouteMessage.ReleaseRequest release) {
            releases.onRequest(release);
        } else if (message instanceof RouteMessage.UnitOutcome outcome) {
            outcomes.onOutcome(outcome);
        } else if (message instanceof RouteMessage.SliceSummary summary) {
            summaries.onSummary(summary);
        } else if (message instanceof RouteMessage.ProviderStanding standing) {
            task.stores().standings().put(standing.providerId(), standing);
            task.slice().standings().put(standing);
        } else if (message instanceof RouteMessage.FundsStatus funds) {
            task.stores().funds().put(funds.consumerId(), funds.availableMicros());
        } else {
            migration(message, from);
        }
    }

    private void migration(final RouteMessage message, final int from) {
        if (message instanceof RouteMessage.MigrationNeeded needed) {
            slots.onNeeded(needed);
        } else if (message instanceof RouteMessage.MigrationStart start) {
            migrations.onStart(start);
        } else if (message instanceof RouteMessage.MigrationDone done) {
            slots.onDone(done);
        } else if (message instanceof RouteMessage.HostReserve reserve) {
            hosted.onReserve(reserve);
        } else if (message instanceof RouteMessage.HostAnswer answer) {
            migrations.onHostAnswer(answer, from);
        } else if (message instanceof RouteMessage.HostConfirmed confirmed) {
            migrations.onHostConfirmed(confirmed, from);
        } else if (message instanceof RouteMessage.HostFailed failed) {
            migrations.onHostFailed(failed, from);
        } else if (message instanceof RouteMessage.HostRelease release) {
            hosted.onRelease(release);
        } else if (message instanceof RouteMessage.Handover handover) {
            hosted.onHandover(handover, from);
        } else if (message instanceof RouteMessage.HandoverArrived arrived) {
            leases.onArrived(arrived);
        } else if (message instanceof RouteMessage.Repoint repoint) {
            repoint(repoint);
        }
    }

    /** A deadline of the task's queue came due at {@code now} (by the input clock). */
    void due(final DeadlineQueue.Due due, final long now) {
        switch (due.kind()) {
            case CONFIRM -> expiry.confirmDue(due.key(), now);
            case END -> expiry.endDue(due.key(), now);
            case MIGRATION -> migrations.onLocalTargetLapsed(due.key(), now);
            case HOSTED -> hosted.onLapsed(due.key(), now);
            case HEARTBEAT -> heartbeats.onDeadline(due.key(), now);
            case WAIT -> placements.waiting().onDeadline(due.key(), now);
        }
    }

    private void repoint(final RouteMessage.Repoint repoint) {
        task.log().repoint(repoint.demandId(), repoint.owner());
    }
}
