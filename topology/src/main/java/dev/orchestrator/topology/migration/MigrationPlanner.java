package dev.orchestrator.topology.migration;

import dev.orchestrator.topology.StoreNames;
import dev.orchestrator.topology.emit.DeadLetters;
import dev.orchestrator.topology.emit.Nodes;
import dev.orchestrator.topology.messages.ToDecider;
import dev.orchestrator.topology.messages.ToPlanner;
import dev.orchestrator.topology.serde.InternalSerde;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by provider, so it alone counts a provider's migrations: lets at most N run at once and
 * starts the next one when a slot frees, so a maintenance wave cannot stampede the fleet.
 */
public final class MigrationPlanner implements Processor<String, ToPlanner, Object, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationPlanner.class);
    private static final InternalSerde<ToDecider> TO_DECIDER = InternalSerde.of(ToDecider.class);

    private final int limit;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, MigrationQueue> queues;

    public MigrationPlanner(final int limit) {
        this.limit = limit;
    }

    @Override
    public void init(final ProcessorContext<Object, Object> context) {
        this.context = context;
        this.queues = context.getStateStore(StoreNames.MIGRATIONS);
    }

    @Override
    public void process(final Record<String, ToPlanner> record) {
        final String provider = record.key();
        if (provider == null || record.value() == null) {
            final String topic = context.recordMetadata().map(m -> m.topic()).orElse("");
            context.forward(DeadLetters.of(context, topic, provider, null, "INVALID_INPUT", provider == null ? "key" : "value",
                    provider == null ? "a record needs a key: the provider" : "empty record (tombstone) on a stream topic",
                    record.timestamp()), Nodes.sink(Nodes.PLANNER, Nodes.DLQ));
            return;
        }
        final MigrationQueue queue = java.util.Objects.requireNonNullElse(queues.get(provider), MigrationQueue.empty());
        final MigrationQueue.Step step = record.value() instanceof ToPlanner.Needed needed
                ? queue.offer(needed, limit)
                : queue.done(((ToPlanner.Done) record.value()).allocationId(), limit);
        queues.put(provider, step.queue());
        step.start().ifPresent(n -> {
            LOG.info("migration started allocation={} from={} provider={} reason={} inFlight={} waiting={}",
                    n.allocationId(), n.sourceUnitId(), provider, n.reason(), step.queue().inFlight().size(),
                    step.queue().waiting().size());
            final ToDecider message = new ToDecider.Migrate(n.allocationId(), n.demandId(), n.consumerId(),
                    n.sourceUnitId(), provider, n.reason());
            context.forward(new Record<Object, Object>(n.consumerId(), TO_DECIDER.serializer().serialize(null, message),
                    record.timestamp()), Nodes.sink(Nodes.PLANNER, Nodes.TO_DECIDER));
        });
    }
}
