package dev.orchestrator.topology.migration;

import dev.orchestrator.topology.routing.RouteMessage;
import dev.orchestrator.topology.task.EngineTask;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At a provider's home task, the only counter of its migrations: at most
 * {@code engine.migrations.per.provider} run at once, the rest wait in order, so a maintenance wave
 * cannot stampede the fleet. The owners of the allocations ask, and are told when to start.
 */
public final class MigrationSlots {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationSlots.class);

    private final EngineTask task;

    public MigrationSlots(final EngineTask task) {
        this.task = task;
    }

    public void onNeeded(final RouteMessage.MigrationNeeded needed) {
        apply(needed.providerId(), queue(needed.providerId()).offer(needed, limit()));
    }

    public void onDone(final RouteMessage.MigrationDone done) {
        apply(done.providerId(), queue(done.providerId()).done(done.allocationId(), limit()));
    }

    private void apply(final String provider, final MigrationQueue.Step step) {
        task.stores().migrations().put(provider, step.queue());
        step.start().ifPresent(n -> {
            LOG.info("migration started allocation={} from={} provider={} reason={} inFlight={} waiting={}",
                    n.allocationId(), n.sourceUnitId(), provider, n.reason(), step.queue().inFlight().size(),
                    step.queue().waiting().size());
            task.router().send(n.owner(), n.allocationId(), new RouteMessage.MigrationStart(provider, n.allocationId(),
                    n.sourceUnitId(), n.reason(), n.planned()));
        });
    }

    private MigrationQueue queue(final String provider) {
        return Objects.requireNonNullElse(task.stores().migrations().get(provider), MigrationQueue.empty());
    }

    private int limit() {
        return task.settings().migrationsPerProvider();
    }
}
