package dev.orchestrator.topology.intake;

import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.schemas.DeadLetter;
import dev.orchestrator.schemas.Topic;
import dev.orchestrator.topology.StoreNames;
import dev.orchestrator.topology.emit.Counters;
import dev.orchestrator.topology.emit.DeadLetters;
import dev.orchestrator.topology.emit.Nodes;
import dev.orchestrator.topology.emit.Outputs;
import dev.orchestrator.topology.messages.ToDecider;
import dev.orchestrator.topology.normalize.InvalidInputException;
import dev.orchestrator.topology.normalize.Normalizer;
import dev.orchestrator.topology.serde.InternalSerde;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First stop of every demand, still keyed by demand id: drops duplicates, validates, and sends the
 * rest to its consumer's decision step. A refused demand gets its REJECTED decision here, with the
 * offending field, and a dead letter; nothing is dropped silently.
 */
public final class DemandIntake implements Processor<String, Demand, Object, Object> {
    /** Counts demands decided on another task than the one they arrived on (here: all, the decider is keyed by consumer). */
    public static final String SPILLED = "demands_spilled_total";
    private static final Logger LOG = LoggerFactory.getLogger(DemandIntake.class);
    private static final InternalSerde<ToDecider> MESSAGES = InternalSerde.of(ToDecider.class);

    private final Normalizer normalizer;
    private final Topic<String, Demand> source;
    private final long metricsIntervalMillis;
    private final Counters counters = new Counters();
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, String> seen;

    public DemandIntake(final Normalizer normalizer, final Topic<String, Demand> source, final long metricsIntervalMillis) {
        this.normalizer = normalizer;
        this.source = source;
        this.metricsIntervalMillis = metricsIntervalMillis;
    }

    @Override
    public void init(final ProcessorContext<Object, Object> context) {
        this.context = context;
        this.seen = context.getStateStore(StoreNames.DEMAND_IDS);
        counters.flushEvery(context, Duration.ofMillis(metricsIntervalMillis), Nodes.sink(Nodes.INTAKE, Nodes.METRICS));
    }

    @Override
    public void process(final Record<String, Demand> record) {
        final Demand demand = record.value();
        if (demand == null) {
            deadLetter(record, "INVALID_INPUT", "value", "a demand cannot be empty (tombstone)");
            return;
        }
        if (!demand.getDemandId().equals(record.key())) {
            // deciding it would write a decision onto whichever demand id the record names: refuse it whole
            deadLetter(record, ReasonCode.INVALID_INPUT.name(), "key", "the record key '" + DeadLetter.clip(record.key())
                    + "' is not the demandId '" + DeadLetter.clip(demand.getDemandId()) + "'");
            return;
        }
        if (seen.get(demand.getDemandId()) != null) {
            deadLetter(record, ReasonCode.DUPLICATE.name(), "demandId", "demand " + demand.getDemandId()
                    + " was already decided");
            return;
        }
        try {
            final ToDecider message = demand.getType() == DemandType.PLACE
                    ? new ToDecider.Place(normalizer.place(demand))
                    : release(demand);
            seen.put(demand.getDemandId(), demand.getConsumerId());
            context.forward(new Record<Object, Object>(demand.getConsumerId(),
                    MESSAGES.serializer().serialize(null, message), record.timestamp()), Nodes.sink(Nodes.INTAKE, Nodes.TO_DECIDER));
            if (demand.getType() == DemandType.PLACE) {
                counters.increment(SPILLED, Map.of());
            }
        } catch (final InvalidInputException e) {
            reject(record, demand, e);
        }
    }

    private ToDecider release(final Demand demand) {
        normalizer.checkIdentity(demand);
        return new ToDecider.ReleaseDemand(demand.getDemandId(), demand.getConsumerId(), demand.getReleaseOf(),
                demand.getRequestedAt().toEpochMilli());
    }

    private void reject(final Record<String, Demand> record, final Demand demand, final InvalidInputException e) {
        LOG.debug("demand={} rejected INVALID_INPUT field={} reason={}", demand.getDemandId(), e.field(), e.getMessage());
        deadLetter(record, ReasonCode.INVALID_INPUT.name(), e.field(), e.getMessage());
        final String demandId = demand.getDemandId();
        // a producer can only learn why through a decision it can find: that needs an id to key it by
        if (demandId != null && !demandId.isEmpty() && demandId.length() <= 128) {
            seen.put(demandId, demand.getConsumerId());
            final long now = context.currentSystemTimeMs();
            context.forward(new Record<Object, Object>(demandId, Outputs.rejected(demandId, demand.getConsumerId(),
                    ReasonCode.INVALID_INPUT, e.getMessage(), now), record.timestamp()), Nodes.sink(Nodes.INTAKE, Nodes.ALLOCATIONS));
            counters.increment("decisions_total", Map.of("status", "REJECTED", "reason", ReasonCode.INVALID_INPUT.name()));
            if (Normalizer.isId(demand.getConsumerId())) {
                context.forward(new Record<Object, Object>(demand.getConsumerId(), MESSAGES.serializer().serialize(null,
                        new ToDecider.Refused(demandId, demand.getConsumerId(), ReasonCode.INVALID_INPUT.name(),
                                e.getMessage(), now)), record.timestamp()), Nodes.sink(Nodes.INTAKE, Nodes.TO_DECIDER));
            }
        }
    }

    private void deadLetter(final Record<String, Demand> record, final String reason, final String field,
                            final String message) {
        final byte[] value = record.value() == null ? null
                : source.valueSerde().serializer().serialize(source.name(), record.value());
        context.forward(DeadLetters.of(context, source.name(), record.key(), value, reason, field, message, record.timestamp()),
                Nodes.sink(Nodes.INTAKE, Nodes.DLQ));
        counters.increment("dead_letters_total", Map.of("topic", source.name(), "reason", reason));
    }
}
