package dev.orchestrator.topology.decision;

import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.topology.EngineSettings;
import dev.orchestrator.topology.decision.AllocationRecord.Status;
import dev.orchestrator.topology.emit.Counters;
import dev.orchestrator.topology.messages.ToDecider;
import dev.orchestrator.topology.messages.ToDecider.LedgerReply;
import dev.orchestrator.topology.messages.ToLedger;
import dev.orchestrator.topology.model.PolicyTerms;
import dev.orchestrator.topology.model.SlaTerms;
import dev.orchestrator.topology.scoring.Decision;
import dev.orchestrator.topology.scoring.UnitIndex;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Make-before-break moves the planner lets through: reserve on a new unit, and release the old one only
 * once the new one is confirmed; whatever the outcome, the provider's migration slot is handed back.
 */
final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private final EngineSettings settings;
    private final UnitIndex index;
    private final ConsumerBooks books;
    private final PlacementAttempts attempts;
    private final DecisionOutputs out;
    private final Counters counters;

    Migrations(final EngineSettings settings, final UnitIndex index, final ConsumerBooks books,
               final PlacementAttempts attempts, final DecisionOutputs out, final Counters counters) {
        this.settings = settings;
        this.index = index;
        this.books = books;
        this.attempts = attempts;
        this.out = out;
        this.counters = counters;
    }

    void migrate(final ToDecider.Migrate migrate) {
        final AllocationRecord record = books.allocation(migrate.consumerId(), migrate.demandId());
        if (record == null || !record.holdsCapacity() || record.status() == Status.PENDING || record.migrating()
                || !record.unitId().equals(migrate.sourceUnitId())) {
            out.planner(migrate.providerId(), migrate.allocationId());
            return;
        }
        tryMigration(record, Set.of(migrate.sourceUnitId()));
    }

    private void tryMigration(final AllocationRecord record, final Set<String> excluded) {
        final PolicyTerms policy = books.policy(record.consumerId());
        final Set<String> skip = new HashSet<>(excluded);
        skip.add(record.unitId());
        final Optional<SlaTerms> sla = books.sla(record.request().slaId());
        final Decision decision = attempts.bestElsewhere(record, policy, sla, skip);
        if (decision.chosen().isEmpty() || record.migrationAttempts() >= settings.maxAttempts()) {
            LOG.info("migration found no target allocation={} from={} reason={}", record.demandId(), record.unitId(),
                    decision.rejection());
            counters.increment("migrations_total", Map.of("result", "NO_TARGET"));
            final AllocationRecord stays = record.migratingTo("");
            out.save(record, stays, "MIGRATION_FAILED");
            out.planner(record.providerId(), record.demandId());
            return;
        }
        final String target = decision.chosen().get().unitId();
        final AllocationRecord moving = record.migratingTo(target);
        out.save(record, moving, "MIGRATING");
        index.hold(target, record.demandId(), record.request().capacity());
        out.toLedger(target, new ToLedger.Reserve(attempts.reserveRequest(moving, target, "m" + moving.migrationAttempts(),
                policy, sla), record.unitId()));
    }

    /** The target unit's ledger answered for an allocation on its way there. */
    void onReply(final AllocationRecord record, final LedgerReply reply) {
        switch (reply.type()) {
            case COMMITTED -> out.publish(out.placedResult(record, AllocationStatus.MIGRATING)
                    .setDataUnitId(reply.unitId()).setProviderId(reply.providerId()).setRegion(reply.region()).build());
            case REJECTED -> tryMigration(record, Set.of(reply.unitId()));
            case CONFIRMED -> {
                out.toLedger(record.unitId(), new ToLedger.Release(record.demandId(), "MIGRATED", true));
                final AllocationRecord moved = record.movedTo(reply.unitId(), reply.providerId(), reply.region(),
                        reply.pricePerHourMicros()).active(reply.endpoint());
                out.save(record, moved, "MIGRATED");
                out.publish(out.placedResult(moved, AllocationStatus.ACTIVE).build());
                counters.increment("migrations_total", Map.of("result", "MIGRATED"));
                out.planner(record.providerId(), record.demandId());
            }
            default -> {
                final AllocationRecord stays = record.migratingTo("");
                out.save(record, stays, "MIGRATION_FAILED");
                counters.increment("migrations_total", Map.of("result", "FAILED"));
                out.planner(record.providerId(), record.demandId());
            }
        }
    }
}
