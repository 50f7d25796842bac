package dev.orchestrator.topology.ledger;

import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.DataUnitEventType;
import dev.orchestrator.avro.EntityType;
import dev.orchestrator.avro.MetricEvent;
import dev.orchestrator.avro.MetricType;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.avro.Telemetry;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.topology.EngineSettings;
import dev.orchestrator.topology.StoreNames;
import dev.orchestrator.topology.emit.Counters;
import dev.orchestrator.topology.emit.DeadLetters;
import dev.orchestrator.topology.emit.Nodes;
import dev.orchestrator.topology.emit.Outputs;
import dev.orchestrator.topology.lifecycle.OperatorState;
import dev.orchestrator.topology.lifecycle.Transition;
import dev.orchestrator.topology.lifecycle.UnitLifecycle;
import dev.orchestrator.topology.messages.ToDecider;
import dev.orchestrator.topology.messages.ToDecider.ReplyType;
import dev.orchestrator.topology.messages.ToLedger;
import dev.orchestrator.topology.messages.ToPlanner;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.Reservation;
import dev.orchestrator.topology.model.UnitSpec;
import dev.orchestrator.topology.normalize.InvalidInputException;
import dev.orchestrator.topology.normalize.Normalizer;
import dev.orchestrator.topology.serde.InternalSerde;
import dev.orchestrator.topology.telemetry.Health;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capacity ledger, keyed by unit: the single writer of every unit's capacity, lifecycle and
 * health. Registrations, lifecycle changes, telemetry, reservations, releases and executor outcomes
 * all arrive here, so each unit's changes happen one at a time, in order, each audited.
 */
public final class LedgerProcessor implements Processor<String, Object, Object, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerProcessor.class);
    private static final InternalSerde<ToDecider> TO_DECIDER = InternalSerde.of(ToDecider.class);
    private static final InternalSerde<ToPlanner> TO_PLANNER = InternalSerde.of(ToPlanner.class);
    private static final InternalSerde<dev.orchestrator.topology.model.UnitView> VIEWS =
            InternalSerde.of(dev.orchestrator.topology.model.UnitView.class);
    /** Publish a new view when smoothed latency moves by more than this share. */
    private static final double LATENCY_CHANGE = 0.1;

    private final Normalizer normalizer;
    private final CapacityLedger ledger;
    private final EngineSettings settings;
    private final Topics topics;
    private final Counters counters = new Counters();
    private final InputClock clock;
    private ProcessorContext<Object, Object> context;
    private UnitStore units;
    private long lastMetrics;

    public LedgerProcessor(final Normalizer normalizer, final EngineSettings settings, final Topics topics) {
        this.normalizer = normalizer;
        this.ledger = new CapacityLedger(settings.confirmWithinMillis());
        this.clock = new InputClock(4L * settings.heartbeatLimitMillis());
        this.settings = settings;
        this.topics = topics;
    }

    @Override
    public void init(final ProcessorContext<Object, Object> context) {
        this.context = context;
        this.units = new UnitStore(context.getStateStore(StoreNames.UNITS), context.getStateStore(StoreNames.RESERVATIONS));
        context.schedule(Duration.ofMillis(settings.scanIntervalMillis()), PunctuationType.WALL_CLOCK_TIME, this::scan);
    }

    @Override
    public void process(final Record<String, Object> record) {
        clock.processing(now(), record.timestamp());
        final Object value = record.value();
        if (record.key() == null) {
            deadLetter(record, ReasonCode.INVALID_INPUT, "key", "a record needs a key: the unit it is about");
        } else if (value instanceof DataUnitEvent event) {
            onUnitEvent(record, event);
        } else if (value instanceof Telemetry telemetry) {
            onTelemetry(record, telemetry);
        } else if (value instanceof ToLedger.Reserve reserve) {
            onReserve(reserve);
        } else if (value instanceof ToLedger.Release release) {
            onRelease(record.key(), release.allocationId(), release.reason(), release.quiet());
        } else if (value instanceof ToLedger.Outcome outcome) {
            onOutcome(record, outcome);
        } else {
            deadLetter(record, ReasonCode.INVALID_INPUT, "value", "empty record (tombstone) on a stream topic");
        }
    }

    private void onUnitEvent(final Record<String, Object> record, final DataUnitEvent event) {
        if (!event.getDataUnitId().equals(record.key())) {
            deadLetter(record, ReasonCode.INVALID_INPUT, "key", "the record key must be the dataUnitId");
            return;
        }
        final UnitRecord current = units.get(event.getDataUnitId());
        if (event.getType() == DataUnitEventType.REGISTER) {
            register(record, event, current);
        } else {
            changeState(record, event, current);
        }
    }

    private void register(final Record<String, Object> record, final DataUnitEvent event, final UnitRecord current) {
        final UnitSpec spec;
        try {
            spec = normalizer.unit(event);
        } catch (final InvalidInputException e) {
            deadLetter(record, ReasonCode.INVALID_INPUT, e.field(), e.getMessage());
            return;
        }
        final long now = now();
        if (current == null) {
            final UnitRecord created = new UnitRecord(spec, OperatorState.ACTIVE, Map.of(),
                    Health.initial(now, spec.advertisedLatencyMillis()), 0);
            save(null, created, "REGISTERED", cause(record));
            LOG.info("unit={} registered provider={} region={} kind={}", spec.unitId(), spec.providerId(), spec.region(),
                    spec.kind());
            return;
        }
        final String refusal = current.operatorState() == OperatorState.DECOMMISSIONED ? "unit is decommissioned"
                : !current.spec().providerId().equals(spec.providerId()) ? "unit belongs to provider " + current.spec().providerId()
                : !spec.capacity().covers(current.used()) ? "new capacity is below what is reserved"
                : spec.kind() != current.spec().kind() ? "a unit cannot change its kind" : "";
        if (!refusal.isEmpty()) {
            refuse(record, current, "REGISTER", refusal);
            return;
        }
        save(current, current.withSpec(spec), "UPDATED", cause(record));
    }

    private void changeState(final Record<String, Object> record, final DataUnitEvent event, final UnitRecord current) {
        if (current == null) {
            deadLetter(record, ReasonCode.UNIT_NOT_FOUND, "dataUnitId", "unit " + event.getDataUnitId() + " is not registered");
            return;
        }
        if (event.getTargetState() == null) {
            deadLetter(record, ReasonCode.INVALID_INPUT, "targetState", "a CHANGE_STATE must name its target state");
            return;
        }
        final Transition transition = UnitLifecycle.request(current.operatorState(), event.getTargetState(),
                !current.reservations().isEmpty());
        if (!transition.allowed()) {
            refuse(record, current, String.valueOf(event.getTargetState()), transition.refusal());
            return;
        }
        if (transition.next() == current.operatorState()) {
            return;
        }
        UnitRecord next = current.withState(transition.next());
        LOG.info("unit={} state {} -> {} reason={}", current.spec().unitId(), current.visibleState(), next.visibleState(),
                event.getReason());
        next = sendAway(next, transition.next() == OperatorState.MAINTENANCE ? "MAINTENANCE" : "DECOMMISSIONING");
        save(current, next, "STATE_CHANGED", cause(record));
    }

    private void onTelemetry(final Record<String, Object> record, final Telemetry telemetry) {
        final UnitRecord current = units.get(record.key());
        if (current == null) {
            deadLetter(record, ReasonCode.UNIT_NOT_FOUND, "dataUnitId", "unit " + record.key() + " is not registered");
            return;
        }
        try {
            normalizer.telemetry(telemetry, record.key(), current.spec());
        } catch (final InvalidInputException e) {
            deadLetter(record, ReasonCode.INVALID_INPUT, e.field(), e.getMessage());
            return;
        }
        final long now = now();
        final Health health = current.health().observe(Math.min(now, telemetry.getObservedAt().toEpochMilli()),
                telemetry.getLatencyMillis(), telemetry.getAvailable()).judged(clock.at(now), settings.heartbeatLimitMillis());
        final UnitRecord observed = current.withHealth(health);
        if (health.healthy() != current.health().healthy()) {
            save(current, sendAway(observed, "HEARTBEAT_MISSED"), "HEALTH_CHANGED", cause(record));
            return;
        }
        final List<Reservation> breaching = CapacityLedger.toMigrate(observed);
        final boolean moved = Math.abs(health.ewmaLatencyMillis() - current.health().ewmaLatencyMillis())
                > LATENCY_CHANGE * Math.max(1, current.health().ewmaLatencyMillis())
                || Math.abs(health.availability() - current.health().availability()) >= 0.01;
        if (!breaching.isEmpty()) {
            save(current, sendAway(observed, "SLA_BREACH"), "SLA_BREACHED", cause(record));
        } else if (moved) {
            units.put(observed);
            publish(observed);
        } else {
            units.put(observed);
        }
    }

    private void onReserve(final ToLedger.Reserve reserve) {
        final ReserveRequest request = reserve.request();
        final UnitRecord current = units.get(request.unitId());
        if (current == null) {
            reply(request.consumerId(), new ToDecider.LedgerReply(ReplyType.REJECTED, request.allocationId(),
                    request.demandId(), request.consumerId(), request.unitId(), "", "", 0,
                    ReasonCode.UNIT_NOT_FOUND.name(), "unit " + request.unitId() + " is not registered", null, 0, 0));
            return;
        }
        final boolean known = current.reservations().containsKey(request.allocationId());
        final ReserveOutcome outcome = ledger.reserve(current, request, now());
        if (!outcome.committed()) {
            reply(request.consumerId(), new ToDecider.LedgerReply(ReplyType.REJECTED, request.allocationId(),
                    request.demandId(), request.consumerId(), request.unitId(), current.spec().providerId(),
                    current.spec().region(), 0, outcome.reason().name(), outcome.detail(), null, 0, 0));
            return;
        }
        long version = current.auditSequence();
        if (!known) {
            version = save(current, outcome.unit(), "RESERVED", "allocation/" + request.allocationId()).auditSequence();
            command(reserve.migrateFrom() == null ? CommandType.PROVISION : CommandType.MIGRATE,
                    outcome.reservation(), outcome.unit(), reserve.migrateFrom(), outcome.reservation().commandId());
        }
        reply(request.consumerId(), new ToDecider.LedgerReply(ReplyType.COMMITTED, request.allocationId(),
                request.demandId(), request.consumerId(), request.unitId(), current.spec().providerId(),
                current.spec().region(), outcome.reservation().pricePerHourMicros(), ReasonCode.NONE.name(), "", null,
                0, version));
    }

    private void onRelease(final String unitId, final String allocationId, final String reason, final boolean quiet) {
        final UnitRecord current = units.get(unitId);
        if (current == null || !current.reservations().containsKey(allocationId)) {
            return;
        }
        final Reservation reservation = current.reservations().get(allocationId);
        final UnitRecord next = CapacityLedger.release(current, allocationId).orElseThrow();
        save(current, next, "RELEASED", "allocation/" + allocationId);
        if (!quiet) {
            command(CommandType.DEPROVISION, reservation, next, null, allocationId + ":deprovision:" + unitId);
        }
        final ReplyType type = ReasonCode.RESERVATION_EXPIRED.name().equals(reason) ? ReplyType.EXPIRED : ReplyType.RELEASED;
        reply(reservation.consumerId(), new ToDecider.LedgerReply(type, allocationId, reservation.demandId(),
                reservation.consumerId(), unitId, current.spec().providerId(), current.spec().region(),
                reservation.pricePerHourMicros(), reason, "", null, reservation.runMillis(now()), 0));
    }

    private void onOutcome(final Record<String, Object> record, final ToLedger.Outcome outcome) {
        final String unitId = record.key();
        final UnitRecord current = units.get(unitId);
        if (current == null) {
            deadLetter(record, ReasonCode.UNIT_NOT_FOUND, "dataUnitId", "outcome of command " + outcome.commandId()
                    + " names unit " + unitId + ", which is not registered");
            return;
        }
        final Reservation reservation = current.reservations().get(outcome.allocationId());
        if (reservation == null) {
            if (outcome.status().equals("PROVISIONED") || outcome.status().equals("MIGRATED")) {
                orphan(current, outcome);
            }
            return;
        }
        if (!outcome.status().equals("DEPROVISIONED") && !outcome.commandId().equals(reservation.commandId())) {
            // only the command that made the reservation can confirm or fail it
            deadLetter(record, ReasonCode.INVALID_INPUT, "commandId", "command " + outcome.commandId()
                    + " was never issued for allocation " + outcome.allocationId() + " on unit " + unitId);
            return;
        }
        switch (outcome.status()) {
            case "PROVISIONED", "MIGRATED" -> CapacityLedger.confirm(current, outcome.allocationId(), now()).ifPresent(next -> {
                save(current, next, "CONFIRMED", "command/" + outcome.commandId());
                reply(reservation.consumerId(), new ToDecider.LedgerReply(ReplyType.CONFIRMED, outcome.allocationId(),
                        reservation.demandId(), reservation.consumerId(), unitId, current.spec().providerId(),
                        current.spec().region(), reservation.pricePerHourMicros(), ReasonCode.NONE.name(), "",
                        outcome.endpoint(), 0, 0));
            });
            case "FAILED" -> {
                final UnitRecord next = CapacityLedger.release(current, outcome.allocationId()).orElseThrow();
                save(current, next, "EXECUTION_FAILED", "command/" + outcome.commandId());
                reply(reservation.consumerId(), new ToDecider.LedgerReply(ReplyType.FAILED, outcome.allocationId(),
                        reservation.demandId(), reservation.consumerId(), unitId, current.spec().providerId(),
                        current.spec().region(), reservation.pricePerHourMicros(), ReasonCode.EXECUTION_FAILED.name(),
                        String.valueOf(outcome.error()), null, 0, 0));
            }
            default -> {
                // DEPROVISIONED: the capacity was freed when the release was decided
            }
        }
    }

    /** Wall-clock sweep: silent units turn unhealthy, overdue reservations lapse, ended ones end, by the input clock. */
    private void scan(final long wallClock) {
        final long now = clock.at(wallClock);
        final Map<String, long[]> pools = new HashMap<>();
        for (final String unitId : units.unitIds()) {
            UnitRecord unit = units.get(unitId);
            final Health judged = unit.health().judged(now, settings.heartbeatLimitMillis());
            if (judged.healthy() != unit.health().healthy()) {
                LOG.info("unit={} {} lastHeartbeat={}", unitId, judged.healthy() ? "healthy again" : "unhealthy: heartbeat missed",
                        Instant.ofEpochMilli(judged.lastHeartbeat()));
                final UnitRecord next = sendAway(unit.withHealth(judged), "HEARTBEAT_MISSED");
                save(unit, next, "HEALTH_CHANGED", "clock");
                unit = units.get(unitId);
            }
            for (final Reservation due : CapacityLedger.due(unit, now)) {
                final boolean lapsed = !due.confirmed();
                if (lapsed) {
                    LOG.info("reservation expired allocation={} unit={} unconfirmed for {} ms", due.allocationId(), unitId,
                            now - due.reservedAt());
                }
                onRelease(unitId, due.allocationId(),
                        lapsed ? ReasonCode.RESERVATION_EXPIRED.name() : "DURATION_ENDED", false);
                unit = units.get(unitId);
            }
            final long[] pool = pools.computeIfAbsent(unit.spec().pool() + "|" + unit.spec().kind(), p -> new long[2]);
            pool[0] = Capacity.saturatedSum(pool[0], unit.spec().kind().primary(unit.used()));
            pool[1] = Capacity.saturatedSum(pool[1], unit.spec().kind().primary(unit.spec().capacity()));
        }
        if (wallClock - lastMetrics >= settings.metricsIntervalMillis()) {
            lastMetrics = wallClock;
            emitMetrics(wallClock, pools);
        }
    }

    private void emitMetrics(final long now, final Map<String, long[]> pools) {
        final String task = context.taskId().toString();
        pools.forEach((pool, usage) -> {
            final String name = pool.substring(0, pool.lastIndexOf('|'));
            for (final String metric : List.of("pool_used", "pool_capacity")) {
                final MetricEvent event = MetricEvent.newBuilder().setName(metric).setType(MetricType.GAUGE)
                        .setValue(metric.equals("pool_used") ? usage[0] : usage[1])
                        .setLabels(Map.of("pool", name, "task", task)).setAt(Instant.ofEpochMilli(now)).build();
                context.forward(new Record<Object, Object>(metric, event, now), Nodes.sink(Nodes.LEDGER, Nodes.METRICS));
            }
        });
        counters.forward(context, Nodes.sink(Nodes.LEDGER, Nodes.METRICS), now);
    }

    /** Asks the planner to move every allocation that should leave {@code unit}; marks them so it asks once. */
    private UnitRecord sendAway(final UnitRecord unit, final String reason) {
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

    private UnitRecord save(final UnitRecord before, final UnitRecord after, final String action, final String cause) {
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

    private void publish(final UnitRecord unit) {
        context.forward(new Record<Object, Object>(unit.spec().unitId(),
                VIEWS.serializer().serialize(null, UnitViews.view(unit)), now()), Nodes.sink(Nodes.LEDGER, Nodes.UNIT_VIEWS));
    }

    private void refuse(final Record<String, Object> record, final UnitRecord current, final String target,
                        final String why) {
        LOG.info("unit={} transition to {} refused: {}", current.spec().unitId(), target, why);
        final UnitRecord stored = current.audited();
        units.put(stored);
        final String snapshot = InternalSerde.json(UnitViews.snapshot(current));
        context.forward(new Record<Object, Object>(current.spec().unitId(), Outputs.audit(EntityType.DATA_UNIT,
                current.spec().unitId(), stored.auditSequence(), "TRANSITION_REFUSED", snapshot, snapshot,
                cause(record) + " to " + target + ": " + why, now()), now()), Nodes.sink(Nodes.LEDGER, Nodes.AUDIT));
        deadLetter(record, ReasonCode.ILLEGAL_TRANSITION, "targetState", why);
    }

    private void command(final CommandType type, final Reservation reservation, final UnitRecord unit,
                         final String source, final String commandId) {
        final long now = now();
        send(unit, LedgerCommands.of(type, reservation, unit.spec(), source, commandId,
                normalizer.currency().fromBaseMicros(reservation.pricePerHourMicros()), now), now);
    }

    /**
     * Something was provisioned for an allocation this unit no longer holds (a job an operator ran
     * again after its demand was placed elsewhere, or an outcome that came after the reservation
     * lapsed): it is deprovisioned, so nothing runs at a provider that nobody pays for.
     */
    private void orphan(final UnitRecord unit, final ToLedger.Outcome outcome) {
        final long now = now();
        send(unit, LedgerCommands.orphan(unit.spec(), outcome.commandId(), outcome.allocationId(), now), now);
        LOG.info("orphan resources allocation={} unit={} command={}: deprovisioning", outcome.allocationId(),
                unit.spec().unitId(), outcome.commandId());
    }

    private void send(final UnitRecord unit, final PlacementCommand command, final long now) {
        context.forward(new Record<Object, Object>(unit.spec().unitId(), command, now), Nodes.sink(Nodes.LEDGER, Nodes.COMMANDS));
        counters.increment("commands_total", Map.of("type", command.getType().name()));
    }

    private void reply(final String consumerId, final ToDecider.LedgerReply reply) {
        context.forward(new Record<Object, Object>(consumerId, TO_DECIDER.serializer().serialize(null, reply), now()),
                Nodes.sink(Nodes.LEDGER, Nodes.TO_DECIDER));
    }

    private void deadLetter(final Record<String, Object> record, final ReasonCode reason, final String field,
                            final String message) {
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

    private static String cause(final Record<String, Object> record) {
        return record.value().getClass().getSimpleName() + "/" + record.key();
    }

    private long now() {
        return context.currentSystemTimeMs();
    }
}
