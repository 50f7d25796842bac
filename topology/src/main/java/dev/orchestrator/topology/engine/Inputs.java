package dev.orchestrator.topology.engine;

import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.avro.Sla;
import dev.orchestrator.avro.Telemetry;
import dev.orchestrator.schemas.Topic;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.topology.normalize.Refused;
import dev.orchestrator.topology.routing.RouteMessage;
import dev.orchestrator.topology.routing.Routed;
import dev.orchestrator.topology.task.EngineTask;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Hands each input to its stage. A keyed record found on a partition other than its key's (a
 * producer that did not use Kafka's default partitioner) is sent on, as written, to the task that
 * owns the key, so a unit's events, a demand and its duplicates always meet on one task.
 */
final class Inputs {
    private final Topics topics;
    private final EngineTask task;
    private final Stages stages;

    Inputs(final Topics topics, final EngineTask task, final Stages stages) {
        this.topics = topics;
        this.task = task;
        this.stages = stages;
    }

    void handle(final Record<String, EngineInput> record) {
        final EngineInput input = record.value();
        if (input instanceof EngineInput.RoutedIn routed) {
            routed(routed.value());
            return;
        }
        final String key = record.key();
        if (key == null) {
            throw new Refused(ReasonCode.INVALID_INPUT, "key", "a record needs a key");
        }
        if (input instanceof EngineInput.OutcomeIn outcome) {
            // keyed by command: any task takes them and sends them to their unit's
            stages.outcomeIntake.onOutcome(key, outcome.value());
        } else if (!task.owns(key)) {
            misrouted(key, input);
        } else {
            dispatch(key, input);
        }
    }

    private void dispatch(final String key, final EngineInput input) {
        if (input instanceof EngineInput.DemandIn demand) {
            stages.demands.onDemand(key, demand.value());
        } else if (input instanceof EngineInput.UnitEventIn event) {
            stages.units.onEvent(key, notEmpty(event.value()), "DataUnitEvent/" + key);
        } else if (input instanceof EngineInput.TelemetryIn telemetry) {
            stages.heartbeats.onTelemetry(key, notEmpty(telemetry.value()), "Telemetry/" + key);
        } else if (input instanceof EngineInput.PolicyIn policy) {
            stages.policies.onPolicy(key, policy.value());
        } else if (input instanceof EngineInput.SlaIn sla) {
            stages.policies.onSla(key, sla.value());
        }
    }

    private void routed(final Routed routed) {
        if (routed == null || routed.message() == null) {
            throw new Refused(ReasonCode.INVALID_INPUT, "value", "empty record (tombstone) on a stream topic");
        }
        if (!EngineProcessor.forMe(routed, task.self())) {
            throw new Refused(ReasonCode.INVALID_INPUT, "to", "a message for partition " + routed.to() + " from "
                    + routed.from() + " was read on partition " + task.self());
        }
        if (routed.message() instanceof RouteMessage.Misrouted misrouted) {
            replay(misrouted);
        } else {
            stages.route(routed.message(), routed.from());
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void misrouted(final String key, final EngineInput input) {
        final Topic topic = topicOf(input);
        task.router().toOwner(key, new RouteMessage.Misrouted(topic.name(), key, input.value() == null ? null
                : topic.valueSerde().serializer().serialize(topic.name(), input.value())));
        task.out().counters().increment("misrouted_total", Map.of("topic", topic.name()));
    }

    /** A record sent on by the task it arrived at: handled as if it had arrived here. */
    private void replay(final RouteMessage.Misrouted misrouted) {
        final Topic<?, ?> topic = topics.byName(misrouted.topic());
        final boolean keyed = topic == topics.demand || topic == topics.dataUnit || topic == topics.telemetry
                || topic == topics.policy || topic == topics.sla;
        if (!keyed || misrouted.key() == null || !task.owns(misrouted.key())) {
            throw new Refused(ReasonCode.INVALID_INPUT, "topic", "a record sent on from topic " + misrouted.topic()
                    + " that this task does not take");
        }
        final Object value = misrouted.value() == null ? null
                : topic.valueSerde().deserializer().deserialize(topic.name(), misrouted.value());
        dispatch(misrouted.key(), topic == topics.demand ? new EngineInput.DemandIn((Demand) value)
                : topic == topics.dataUnit ? new EngineInput.UnitEventIn((DataUnitEvent) value)
                : topic == topics.telemetry ? new EngineInput.TelemetryIn((Telemetry) value)
                : topic == topics.policy ? new EngineInput.PolicyIn((Policy) value)
                : new EngineInput.SlaIn((Sla) value));
    }

    private Topic<?, ?> topicOf(final EngineInput input) {
        return input instanceof EngineInput.DemandIn ? topics.demand
                : input instanceof EngineInput.UnitEventIn ? topics.dataUnit
                : input instanceof EngineInput.TelemetryIn ? topics.telemetry
                : input instanceof EngineInput.PolicyIn ? topics.policy : topics.sla;
    }

    private static <V> V notEmpty(final V value) {
        if (value == null) {
            throw new Refused(ReasonCode.INVALID_INPUT, "value", "empty record (tombstone) on a stream topic");
        }
        return value;
    }
}
