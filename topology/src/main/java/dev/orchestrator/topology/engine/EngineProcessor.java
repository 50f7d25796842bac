package dev.orchestrator.topology.engine;

import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.schemas.Topic;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.topology.EngineSettings;
import dev.orchestrator.topology.emit.DeadLetters;
import dev.orchestrator.topology.emit.PoolGauges;
import dev.orchestrator.topology.normalize.InvalidInputException;
import dev.orchestrator.topology.normalize.Normalizer;
import dev.orchestrator.topology.normalize.Refused;
import dev.orchestrator.topology.routing.RouteMessage;
import dev.orchestrator.topology.routing.Routed;
import dev.orchestrator.topology.task.EngineTask;
import dev.orchestrator.topology.task.LocalTasks;
import dev.orchestrator.topology.telemetry.DeadlineQueue;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine task: every input of one partition (demand, units, telemetry, policies, SLAs, outcomes,
 * and what other tasks route here) handed to the stage it belongs to. Whatever a record causes,
 * messages this task sends itself included, is done before {@code process} returns, so it all
 * commits in the record's transaction. A record the rules refuse is dead-lettered with its reason
 * and the stream goes on.
 */
public final class EngineProcessor implements Processor<String, EngineInput, Object, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(EngineProcessor.class);

    private final EngineSettings settings;
    private final Topics topics;
    private final Normalizer normalizer;
    private final LocalTasks local;
    private ProcessorContext<Object, Object> context;
    private EngineTask task;
    private Stages stages;
    private Inputs inputs;
    private long lastSummary;
    private long lastMetrics;

    public EngineProcessor(final EngineSettings settings, final Topics topics, final Normalizer normalizer,
                           final LocalTasks local) {
        this.settings = settings;
        this.topics = topics;
        this.normalizer = normalizer;
        this.local = local;
    }

    @Override
    public void init(final ProcessorContext<Object, Object> context) {
        this.context = context;
        final long started = System.nanoTime();
        // Streams calls init again after restoring the stores: everything in memory is built from them anew
        task = new EngineTask(context, settings, topics, normalizer);
        stages = new Stages(task);
        inputs = new Inputs(topics, task, stages);
        local.register(task);
        context.schedule(Duration.ofMillis(settings.scanIntervalMillis()), PunctuationType.WALL_CLOCK_TIME, this::sweep);
        if (stages.placements.batch().enabled()) {
            context.schedule(Duration.ofMillis(settings.scheduling().batchWindowMillis()), PunctuationType.WALL_CLOCK_TIME,
                    wallClock -> placeBatch());
        }
        LOG.info("engine task {} ready: {} units, {} deadlines, read back in {} ms", context.taskId(),
                task.slice().units().size(), task.deadlines().size(), (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public void process(final Record<String, EngineInput> record) {
        task.clock().processing(task.now(), record.timestamp());
        task.out().processing(record.timestamp());
        try {
            if (stages.placements.batch().holding() && !joinsBatch(record.value())) {
                // what follows may refer to a held demand (its RELEASE) or change what it would get: place them first
                placeBatch();
            }
            try {
                inputs.handle(record);
            } catch (final Refused refused) {
                deadLetter(record, refused.reason(), refused.field(), refused.getMessage());
            } catch (final InvalidInputException invalid) {
                deadLetter(record, ReasonCode.INVALID_INPUT, invalid.field(), invalid.getMessage());
            }
            drainLocal(record);
        } finally {
            task.out().processed();
        }
        task.persistHeaders();
    }

    @Override
    public void close() {
        local.unregister(task);
    }

    /** Demands to place and telemetry may pass held demands; anything else is handled after they are placed. */
    private static boolean joinsBatch(final EngineInput input) {
        return input instanceof EngineInput.TelemetryIn || input instanceof EngineInput.DemandIn demand
                && demand.value() != null && demand.value().getType() == DemandType.PLACE;
    }

    /** Places the demands held together; what they send this task is handled in the same transaction. */
    private void placeBatch() {
        stages.placements.batch().flush();
        drainLocal(null);
        task.persistHeaders();
    }

    /** Held demands, deadlines due by the input clock, then now and then this task's summary and metrics. */
    private void sweep(final long wallClock) {
        // demands held before a restart are placed here at the latest, whatever the window is now (the headers they
        // change are persisted at the end of the sweep, with everything else it changes)
        stages.placements.batch().flush();
        drainLocal(null);
        final long now = task.clock().at(wallClock);
        for (final DeadlineQueue.Due due : task.deadlines().due(now)) {
            try {
                stages.due(due, now);
            } catch (final Refused refused) {
                LOG.warn("deadline {} of {} not applied: {}", due.kind(), due.key(), refused.getMessage());
            }
            drainLocal(null);
        }
        if (wallClock - lastSummary >= settings.summaryIntervalMillis()) {
            // unchanged summaries are sent again every tenth time, so a task that restarted hears them soon
            stages.summaries.broadcast(wallClock - lastSummary >= 10 * settings.summaryIntervalMillis());
            lastSummary = wallClock;
        }
        stages.placements.waiting().sweep(wallClock);
        stages.placements.gangs().sweep(wallClock);
        drainLocal(null);
        stages.optimizer.maybeRun(wallClock, now);
        drainLocal(null);
        if (wallClock - lastMetrics >= settings.metricsIntervalMillis()) {
            lastMetrics = wallClock;
            PoolGauges.of(task.slice(), context.taskId().toString(), wallClock).forEach(task.out()::metric);
            task.out().flushCounters();
        }
        task.persistHeaders();
    }

    /**
     * Messages this task sent itself, handled now, in this transaction. One that is refused (an outcome
     * for a command never issued, say) is dead-lettered as the input that caused it, as it would be
     * had it come through the route topic.
     */
    private void drainLocal(final Record<String, EngineInput> cause) {
        for (RouteMessage message = task.router().nextLocal(); message != null; message = task.router().nextLocal()) {
            try {
                stages.route(message, task.self());
            } catch (final Refused refused) {
                if (cause == null) {
                    LOG.warn("message {} to itself refused: {}", message.getClass().getSimpleName(), refused.getMessage());
                } else {
                    deadLetter(cause, refused.reason(), refused.field(), refused.getMessage());
                }
            }
        }
    }

    private void deadLetter(final Record<String, EngineInput> record, final ReasonCode reason, final String field,
                            final String message) {
        final String topic = context.recordMetadata().map(m -> m.topic()).orElse("");
        LOG.debug("dead letter topic={} key={} reason={} field={} message={}", topic, record.key(), reason, field, message);
        task.out().deadLetter(DeadLetters.of(context, topic, record.key(), raw(topic, record.value()), reason.name(), field,
                message, record.timestamp()), topic, reason.name());
    }

    /** The value as its producer wrote it, for the dead letter (a routed message is referenced, not copied). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private byte[] raw(final String topicName, final EngineInput input) {
        if (input == null || input.value() == null || input instanceof EngineInput.RoutedIn) {
            return null;
        }
        final Topic topic = topics.byName(topicName);
        return topic == null ? null : topic.valueSerde().serializer().serialize(topicName, input.value());
    }

    /** Whether a routed record is for this task; anything else is a record nobody should have written here. */
    static boolean forMe(final Routed routed, final int self) {
        return routed.to() == self || routed.to() == Routed.EVERY_OTHER && routed.from() != self;
    }
}
