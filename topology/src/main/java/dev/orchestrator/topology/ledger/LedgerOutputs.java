package dev.orchestrator.topology.ledger;

import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.EntityType;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.avro.Telemetry;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.topology.emit.Counters;
import dev.orchestrator.topology.emit.DeadLetters;
import dev.orchestrator.topology.emit.Nodes;
import dev.orchestrator.topology.emit.Outputs;
import dev.orchestrator.topology.messages.ToDecider;
import dev.orchestrator.topology.messages.ToLedger;
import dev.orchestrator.topology.messages.ToPlanner;
import dev.orchestrator.topology.model.Reservation;
import dev.orchestrator.topology.model.UnitView;
import dev.orchestrator.topology.normalize.Normalizer;
import dev.orchestrator.topology.serde.InternalSerde;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Everything the ledger writes: audited unit changes and their views, commands, replies, migration requests, dead letters. */
final class LedgerOutputs {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerOutputs.class);
    private static final InternalSerde<ToDecider> TO_DECIDER = InternalSerde.of(ToDecider.class);
    private static final InternalSerde<ToPlanner> TO_PLANNER = InternalSerde.of(ToPlanner.class);
    private static final InternalSerde<UnitView> VIEWS = InternalSerde.of(UnitView.class);

    private final ProcessorContext<Object, Object> context;
    private final UnitStore units;
    private final Normalizer normalizer;
    private final Topics topics;
    private final Counters counters;

    LedgerOutputs(final ProcessorContext<Object, Object> context, final UnitStore units, final Normalizer normalizer,
                  final Topics topics, final Counters counters) {
        this.context = context;
        this.units = units;
        this.normalizer = normalizer;
        this.topics = topics;
        this.counters = counters;
    }

    long now() {
        return context.currentSystemTimeMs();
    }

    /** Stores {@code after} with the next audit sequence, audits the change from {@code before} and publishes the view. */
    UnitRecord save(final UnitRecord before, final UnitRecord after, final String action, final String cause) {
        final UnitRecord stored = after.audited();
        units.put(stored);
        final long now = now();
        context.forward(new Record<Object, Object>(after.spec().unitId(), Outputs.audit(EntityType.DATA_UNIT,
                after.spec().unitId(), stored.auditSequence(), action,
                before == null ? null : InternalSerde.json(UnitViews.snapshot(before)),
                InternalSerde.json(UnitViews.snapshot(stored)), cause, now), now), Nodes.sink(Nodes.LEDGER, Nodes.AUDIT));
        publish(stored);
        return stored;
    }

    void publish(final UnitRecord unit) {
        context.forward(new Record<Object, Object>(unit.spec().unitId(),
                VIEWS.serializer().serialize(null, UnitViews.view(unit)), now()), Nodes.sink(Nodes.LEDGER, Nodes.UNIT_VIEWS));
    }

    /** A lifecycle change the unit's state does not allow: audited as refused, and dead-lettered with the reason. */
    void refuse(final Record<String, Object> record, final UnitRecord current, final String target, final String why) {
        LOG.info("unit={} transition to {} refused: {}", current.spec().unitId(), target, why);
        final UnitRecord stored = current.audited();
        units.put(stored);
        final String snapshot = InternalSerde.json(UnitViews.snapshot(current));
        context.forward(new Record<Object, Object>(current.spec().unitId(), Outputs.audit(EntityType.DATA_UNIT,
                current.spec().unitId(), stored.auditSequence(), "TRANSITION_REFUSED", snapshot, snapshot,
                cause(record) + " to " + target + ": " + why, now()), now()), Nodes.sink(Nodes.LEDGER, Nodes.AUDIT));
        deadLetter(record, ReasonCode.ILLEGAL_TRANSITION, "targetState", why);
    }

    /** Asks the planner to move every allocation that should leave {@code unit}; marks them so it asks once. */
    UnitRecord sendAway(final UnitRecord unit, final String reason) {
        final List<Reservation> leaving = CapacityLedger.toMigrate(unit);
        for (final Reservation reservation : leaving) {
            final ToPlanner needed = new ToPlanner.Needed(reservation.allocationId(), reservation.demandId(),
                    reservation.consumerId(), unit.spec().unitId(), unit.spec().providerId(), reason);
            context.forward(new Record<Object, Object>(unit.spec().providerId(),
                    TO_PLANNER.serializer().serialize(null, needed), now()), Nodes.sink(Nodes.LEDGER, Nodes.TO_PLANNER));
            counters.increment("migrations_requested_total", Map.of("reason", reason));
        }
        return leaving.isEmpty() ? unit : CapacityLedger.markLeaving(unit, leaving);
    }

    void command(final CommandType type, final Reservation reservation, final UnitRecord unit, final String source,
                 final String commandId) {
        final long now = now();
        send(unit, LedgerCommands.of(type, reservation, unit.spec(), source, commandId,
                normalizer.currency().fromBaseMicros(reservation.pricePerHourMicros()), now), now);
    }

    /**
     * Something was provisioned for an allocation this unit no longer holds (a job an operator ran
     * again after its demand was placed elsewhere, or an outcome that came after the reservation
     * lapsed): it is deprovisioned, so nothing runs at a provider that nobody pays for.
     */
    void orphan(final UnitRecord unit, final ToLedger.Outcome outcome) {
        final long now = now();
        send(unit, LedgerCommands.orphan(unit.spec(), outcome.commandId(), outcome.allocationId(), now), now);
        LOG.info("orphan resources allocation={} unit={} command={}: deprovisioning", outcome.allocationId(),
                unit.spec().unitId(), outcome.commandId());
    }

    private void send(final UnitRecord unit, final PlacementCommand command, final long now) {
        context.forward(new Record<Object, Object>(unit.spec().unitId(), command, now), Nodes.sink(Nodes.LEDGER, Nodes.COMMANDS));
        counters.increment("commands_total", Map.of("type", command.getType().name()));
    }

    void reply(final String consumerId, final ToDecider.LedgerReply reply) {
        context.forward(new Record<Object, Object>(consumerId, TO_DECIDER.serializer().serialize(null, reply), now()),
                Nodes.sink(Nodes.LEDGER, Nodes.TO_DECIDER));
    }

    void deadLetter(final Record<String, Object> record, final ReasonCode reason, final String field, final String message) {
        final String topic = context.recordMetadata().map(m -> m.topic()).orElse("");
        final byte[] value = record.value() instanceof DataUnitEvent event
                ? topics.dataUnit.valueSerde().serializer().serialize(topic, event)
                : record.value() instanceof Telemetry telemetry
                ? topics.telemetry.valueSerde().serializer().serialize(topic, telemetry) : null;
        LOG.debug("dead letter topic={} key={} reason={} field={} message={}", topic, record.key(), reason, field, message);
        context.forward(DeadLetters.of(context, topic, record.key(), value, reason.name(), field, message, record.timestamp()),
                Nodes.sink(Nodes.LEDGER, Nodes.DLQ));
        counters.increment("dead_letters_total", Map.of("topic", topic, "reason", reason.name()));
    }

    /** What caused a change, for its audit record: the input's type and key. */
    static String cause(final Record<String, Object> record) {
        return record.value().getClass().getSimpleName() + "/" + record.key();
    }
}
