package dev.orchestrator.topology.migration;

import dev.orchestrator.avro.CommandType;
import dev.orchestrator.topology.admission.ConsumerSlice;
import dev.orchestrator.topology.admission.LeaseAmount;
import dev.orchestrator.topology.decide.Choices;
import dev.orchestrator.topology.emit.Commands;
import dev.orchestrator.topology.ledger.CapacityLedger;
import dev.orchestrator.topology.ledger.Held;
import dev.orchestrator.topology.ledger.UnitChange;
import dev.orchestrator.topology.ledger.UnitState;
import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.model.Migration;
import dev.orchestrator.topology.model.Placement;
import dev.orchestrator.topology.routing.RouteMessage;
import dev.orchestrator.topology.scoring.Decision;
import dev.orchestrator.topology.task.EngineTask;
import dev.orchestrator.topology.task.Holds;
import dev.orchestrator.topology.telemetry.DeadlineQueue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Make-before-break moves of the allocations this task owns: asked for when their unit stops serving
 * them, started when the provider's home gives a slot, targeted on this task's best other unit or on
 * another task's (which hosts the target, {@link HostedTargets}), and finished when the target is
 * confirmed: only then is the old unit released, and an allocation that moved to another task's unit
 * is handed over to that task with its share of the consumer's lease.
 */
public final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    /** The reason of the moves the optimizer plans. */
    public static final String DEFRAGMENT = "DEFRAGMENT";

    private final EngineTask task;
    private final Choices choices;
    /** Allocations asked to move since this task started; the provider's home ignores a repeated ask. */
    private final Set<String> requested = new HashSet<>();

    public Migrations(final EngineTask task) {
        this.task = task;
        this.choices = new Choices(task);
    }

    /** Asks to move every allocation that should leave {@code unit}, once each. */
    public void requestMoves(final UnitState unit, final String reason) {
        for (final Held held : CapacityLedger.toMigrate(unit)) {
            if (requested.add(held.allocationId())) {
                task.router().toOwner(unit.providerId(), new RouteMessage.MigrationNeeded(unit.providerId(),
                        held.allocationId(), task.self(), unit.unitId(), reason, null));
                task.out().counters().increment("migrations_requested_total", Map.of("reason", reason));
            }
        }
    }

    /**
     * Asks to move {@code allocation} to {@code targetUnitId} of this task, as the optimizer planned, once; it starts
     * when its provider's home gives a slot, like any migration. Returns whether it was asked now.
     */
    public boolean requestPlanned(final Allocation allocation, final String targetUnitId, final String why) {
        if (!requested.add(allocation.demandId())) {
            return false;
        }
        task.router().toOwner(allocation.placement().providerId(), new RouteMessage.MigrationNeeded(
                allocation.placement().providerId(), allocation.demandId(), task.self(), allocation.unitId(), DEFRAGMENT,
                new RouteMessage.Planned(targetUnitId, why)));
        task.out().counters().increment("migrations_requested_total", Map.of("reason", DEFRAGMENT));
        return true;
    }

    /** Whether this task asked to move {@code allocationId} and the move has not ended. */
    public boolean requested(final String allocationId) {
        return requested.contains(allocationId);
    }

    /** The provider's home gave a slot: look for a target. */
    public void onStart(final RouteMessage.MigrationStart start) {
        if (!(task.log().get(start.allocationId()) instanceof Allocation allocation) || !allocation.holdsCapacity()
                || allocation.migration() != null || !allocation.unitId().equals(start.sourceUnitId())) {
            done(start.providerId(), start.allocationId());
            return;
        }
        final Allocation started = allocation.edit().migrationStarted().build();
        final Migration migration = new Migration("", task.self(), started.demandId() + ":m" + started.migrations(), 0,
                false, start.providerId(), start.reason(), List.of(), "", "", 0);
        if (start.planned() != null) {
            planned(started, allocation, migration, start.planned());
            return;
        }
        target(started, allocation, migration);
    }

    /**
     * A planned move goes to its planned unit or nowhere: elsewhere it would not free what the plan freed. The unit
     * must still take the allocation (every filter, room included) at no more than it pays now.
     */
    private void planned(final Allocation allocation, final Allocation published, final Migration migration,
                         final RouteMessage.Planned plan) {
        final UnitState target = task.slice().get(plan.targetUnitId());
        final Decision decision = target == null || target.unitId().equals(allocation.unitId()) ? null
                : choices.on(allocation.request(), task.terms(allocation.consumerId()),
                task.sla(allocation.request().slaId()), target);
        if (decision == null || decision.chosen().isEmpty()
                || decision.pricePerHourMicros() > allocation.placement().pricePerHourMicros()) {
            LOG.info("planned move dropped allocation={} from={} to={}: {}", allocation.demandId(), allocation.unitId(),
                    plan.targetUnitId(), decision == null ? "the unit is gone" : decision.chosen().isEmpty()
                            ? decision.detail() : "it would cost more now");
            task.out().counters().increment("migrations_total", Map.of("result", "NO_TARGET"));
            task.log().keep(allocation.edit().migration(null).build());
            done(migration.slotProvider(), allocation.demandId());
            return;
        }
        final Allocation explained = allocation.edit().reason("", plan.why()).build();
        reserveHere(explained, published, migration, target, decision);
    }

    /** A task that was asked to host the target answered. */
    public void onHostAnswer(final RouteMessage.HostAnswer answer, final int from) {
        final Allocation allocation = migratingTo(answer.allocationId(), from);
        if (allocation == null || allocation.migration().reserved()) {
            if (!answer.unitId().isEmpty()) {
                task.router().send(from, answer.allocationId(), new RouteMessage.HostRelease(answer.allocationId(),
                        answer.unitId(), "NOT_MIGRATING"));
            }
            return;
        }
        final Migration migration = allocation.migration();
        if (answer.unitId().isEmpty()) {
            final List<Integer> tried = new ArrayList<>(migration.triedPartitions());
            tried.add(from);
            target(allocation, allocation, new Migration("", task.self(), migration.commandId(), 0, false,
                    migration.slotProvider(), migration.reason(), tried, "", "", 0));
            return;
        }
        task.log().write(allocation, allocation.edit().migration(migration.reservedOn(answer.unitId(), answer.providerId(),
                answer.region(), answer.pricePerHourMicros(), answer.confirmBy())), "MIGRATING", List.of());
    }

    /** The remote target was confirmed: the old unit is freed and the allocation handed over to the target's task. */
    public void onHostConfirmed(final RouteMessage.HostConfirmed confirmed, final int from) {
        final Allocation allocation = migratingTo(confirmed.allocationId(), from);
        if (allocation == null || !allocation.migration().reserved()) {
            task.router().send(from, confirmed.allocationId(), new RouteMessage.HostRelease(confirmed.allocationId(),
                    confirmed.unitId(), "NOT_MIGRATING"));
            return;
        }
        final List<UnitChange> changes = new ArrayList<>();
        final UnitState source = task.slice().get(allocation.unitId());
        final UnitChange released = source == null ? null : task.slice().release(source, allocation.demandId(), "MIGRATED");
        if (released != null) {
            changes.add(released);
        }
        final Allocation moved = task.log().write(allocation, finished(allocation, confirmed.endpoint()), "MIGRATED", changes);
        final ConsumerSlice consumer = task.consumer(allocation.consumerId());
        final ConsumerSlice.Departure departure = consumer.handOver(allocation.demandId(),
                LeaseAmount.of(allocation.request().capacity(),
                allocation.placement().costMicros()), task.held(allocation.consumerId()));
        task.consumer(allocation.consumerId(), departure.slice());
        task.usage(allocation.consumerId()).release(allocation.request().capacity(), allocation.placement().costMicros());
        task.log().moved(moved, from, changes);
        task.router().send(from, moved.demandId(), new RouteMessage.Handover(moved, departure.share(), consumer.terms(),
                consumer.generation()));
        finish(allocation, "MIGRATED");
    }

    /** The remote target failed or lapsed: the allocation stays where it is. */
    public void onHostFailed(final RouteMessage.HostFailed failed, final int from) {
        final Allocation allocation = migratingTo(failed.allocationId(), from);
        if (allocation != null) {
            abandon(allocation, List.of(), failed.detail());
        }
    }

    /** Whether {@code outcome} is about the target of {@code allocation}'s migration on this task. */
    public boolean isLocalTarget(final Allocation allocation, final RouteMessage.UnitOutcome outcome) {
        final Migration migration = allocation.migration();
        return migration != null && migration.reserved() && migration.targetPartition() == task.self()
                && migration.targetUnit().equals(outcome.unitId()) && migration.commandId().equals(outcome.commandId());
    }

    public void onLocalTargetOutcome(final Allocation allocation, final RouteMessage.UnitOutcome outcome) {
        final UnitState target = task.slice().get(allocation.migration().targetUnit());
        if ("FAILED".equals(outcome.status())) {
            final UnitChange released = task.slice().release(target, allocation.demandId(), "EXECUTION_FAILED");
            abandon(allocation, released == null ? List.of() : List.of(released), String.valueOf(outcome.error()));
            return;
        }
        final List<UnitChange> changes = new ArrayList<>();
        final UnitChange confirmed = task.slice().confirm(target, allocation.demandId());
        if (confirmed != null) {
            changes.add(confirmed);
        }
        task.slice().rehold(target, target.held(allocation.demandId()).as(Held.Role.OWNED));
        final UnitState source = task.slice().get(allocation.unitId());
        final UnitChange released = source == null ? null : task.slice().release(source, allocation.demandId(), "MIGRATED");
        if (released != null) {
            changes.add(released);
        }
        task.log().write(allocation, finished(allocation, outcome.endpoint()), "MIGRATED", changes);
        finish(allocation, "MIGRATED");
    }

    /** The local target was not confirmed in time. */
    public void onLocalTargetLapsed(final String demandId, final long now) {
        if (task.log().get(demandId) instanceof Allocation allocation && allocation.migration() != null
                && allocation.migration().reserved() && allocation.migration().targetPartition() == task.self()
                && now >= allocation.migration().confirmBy()) {
            final UnitState target = task.slice().get(allocation.migration().targetUnit());
            final UnitChange released = target == null ? null
                    : task.slice().release(target, demandId, "RESERVATION_EXPIRED");
            abandon(allocation, released == null ? List.of() : List.of(released), "the target was not confirmed in time");
        }
    }

    private void target(final Allocation allocation, final Allocation published, final Migration migration) {
        final Set<String> excluded = new HashSet<>(allocation.tried());
        excluded.add(allocation.unitId());
        final var policy = task.terms(allocation.consumerId());
        final var sla = task.sla(allocation.request().slaId());
        if (!migration.triedPartitions().contains(task.self())) {
            final Decision decision = choices.best(allocation.request(), policy, sla, excluded, Long.MAX_VALUE);
            if (decision.chosen().isPresent()) {
                reserveHere(allocation, published, migration, (UnitState) decision.chosen().get(), decision);
                return;
            }
        }
        final List<Integer> tried = new ArrayList<>(migration.triedPartitions());
        if (!tried.contains(task.self())) {
            tried.add(task.self());
        }
        final OptionalInt remote = tried.size() > task.settings().maxAttempts() ? OptionalInt.empty()
                : task.remote().target(allocation.request(), Choices.scope(allocation.request(), policy), task.self(), tried);
        if (remote.isEmpty()) {
            LOG.info("migration found no target allocation={} from={}", allocation.demandId(), allocation.unitId());
            task.out().counters().increment("migrations_total", Map.of("result", "NO_TARGET"));
            task.log().keep(allocation.edit().migration(null).build());
            done(migration.slotProvider(), allocation.demandId());
            return;
        }
        final int host = remote.getAsInt();
        task.log().keep(allocation.edit().migration(new Migration("", host, migration.commandId(), 0, false,
                migration.slotProvider(), migration.reason(), tried, "", "", 0)).build());
        task.router().send(host, allocation.demandId(), new RouteMessage.HostReserve(allocation.demandId(), task.self(),
                allocation.request(), allocation.unitId(), migration.commandId(), allocation.slaMaxLatencyMillis(),
                allocation.slaMinAvailability()));
    }

    private void reserveHere(final Allocation allocation, final Allocation published, final Migration migration,
                             final UnitState target, final Decision decision) {
        final long now = task.now();
        final long confirmBy = now + task.settings().confirmWithinMillis();
        final UnitChange reserved = task.slice().reserve(target, Holds.target(allocation), "RESERVED");
        final Migration reservedHere = new Migration(target.unitId(), task.self(), migration.commandId(), confirmBy, true,
                migration.slotProvider(), migration.reason(), migration.triedPartitions(), target.providerId(),
                target.region(), decision.pricePerHourMicros());
        task.log().write(published, allocation.edit().migration(reservedHere), "MIGRATING", List.of(reserved));
        task.out().command(Commands.of(CommandType.MIGRATE, migration.commandId(), allocation.demandId(),
                allocation.consumerId(), target.spec(), allocation.request().capacity(), allocation.unitId(),
                task.out().money(decision.pricePerHourMicros()), confirmBy, now, allocation.request().workload()));
        task.deadlines().add(confirmBy, DeadlineQueue.Kind.MIGRATION, allocation.demandId());
    }

    /** The allocation after its move: active on the target, at the target's price, its end where it was. */
    private Allocation.Builder finished(final Allocation allocation, final String endpoint) {
        final Migration migration = allocation.migration();
        final Placement before = allocation.placement();
        final long now = task.now();
        return allocation.edit().status(Allocation.Status.ACTIVE).migration(null).endpoint(endpoint)
                .placement(new Placement(migration.targetUnit(), migration.targetProvider(), migration.targetRegion(),
                        migration.targetPricePerHourMicros(), before.costMicros(), migration.commandId(), now,
                        migration.confirmBy(), now, before.endsAt()));
    }

    private void abandon(final Allocation allocation, final List<UnitChange> changes, final String detail) {
        if (allocation.migration().reserved()) {
            task.log().write(allocation, allocation.edit().migration(null), "MIGRATION_FAILED", changes);
        } else {
            task.log().keep(allocation.edit().migration(null).build());
        }
        LOG.info("migration failed allocation={} from={}: {}", allocation.demandId(), allocation.unitId(), detail);
        finish(allocation, "FAILED");
    }

    private void finish(final Allocation allocation, final String result) {
        task.out().counters().increment("migrations_total", Map.of("result", result));
        done(allocation.migration().slotProvider(), allocation.demandId());
    }

    private void done(final String provider, final String allocationId) {
        requested.remove(allocationId);
        task.router().toOwner(provider, new RouteMessage.MigrationDone(provider, allocationId));
    }

    /** The allocation, when this task owns it and it is migrating to the task of {@code host}. */
    private Allocation migratingTo(final String allocationId, final int host) {
        return task.log().get(allocationId) instanceof Allocation allocation && allocation.holdsCapacity()
                && allocation.migration() != null && allocation.migration().targetPartition() == host ? allocation : null;
    }
}
