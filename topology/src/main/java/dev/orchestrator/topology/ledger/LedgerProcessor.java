package dev.orchestrator.topology.ledger;

import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.MetricEvent;
import dev.orchestrator.avro.MetricType;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.avro.Telemetry;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.topology.EngineSettings;
import dev.orchestrator.topology.StoreNames;
import dev.orchestrator.topology.emit.Counters;
import dev.orchestrator.topology.emit.Nodes;
import dev.orchestrator.topology.messages.ToLedger;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.Reservation;
import dev.orchestrator.topology.normalize.InvalidInputException;
import dev.orchestrator.topology.normalize.Normalizer;
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
 * all arrive here, so each unit's changes happen one at a time, in order, each audited. Registration
 * and lifecycle go to {@link UnitRegistration}, reservations to {@link ReservationKeeper}; health
 * and the periodic sweep are judged here.
 */
public final class LedgerProcessor implements Processor<String, Object, Object, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerProcessor.class);
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
    private LedgerOutputs out;
    private UnitRegistration registration;
    private ReservationKeeper reservations;
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
        this.out = new LedgerOutputs(context, units, normalizer, topics, counters);
        this.registration = new UnitRegistration(normalizer, units, out);
        this.reservations = new ReservationKeeper(ledger, units, out);
        context.schedule(Duration.ofMillis(settings.scanIntervalMillis()), PunctuationType.WALL_CLOCK_TIME, this::scan);
    }

    @Override
    public void process(final Record<String, Object> record) {
        clock.processing(out.now(), record.timestamp());
        final Object value = record.value();
        if (record.key() == null) {
            out.deadLetter(record, ReasonCode.INVALID_INPUT, "key", "a record needs a key: the unit it is about");
        } else if (value instanceof DataUnitEvent event) {
            registration.onUnitEvent(record, event);
        } else if (value instanceof Telemetry telemetry) {
            onTelemetry(record, telemetry);
        } else if (value instanceof ToLedger.Reserve reserve) {
            reservations.reserve(reserve);
        } else if (value instanceof ToLedger.Release release) {
            reservations.release(record.key(), release.allocationId(), release.reason(), release.quiet());
        } else if (value instanceof ToLedger.Outcome outcome) {
            reservations.outcome(record, outcome);
        } else {
            out.deadLetter(record, ReasonCode.INVALID_INPUT, "value", "empty record (tombstone) on a stream topic");
        }
    }

    private void onTelemetry(final Record<String, Object> record, final Telemetry telemetry) {
        final UnitRecord current = units.get(record.key());
        if (current == null) {
            out.deadLetter(record, ReasonCode.UNIT_NOT_FOUND, "dataUnitId", "unit " + record.key() + " is not registered");
            return;
        }
        try {
            normalizer.telemetry(telemetry, record.key(), current.spec());
        } catch (final InvalidInputException e) {
            out.deadLetter(record, ReasonCode.INVALID_INPUT, e.field(), e.getMessage());
            return;
        }
        final long now = out.now();
        final Health health = current.health().observe(Math.min(now, telemetry.getObservedAt().toEpochMilli()),
                telemetry.getLatencyMillis(), telemetry.getAvailable()).judged(clock.at(now), settings.heartbeatLimitMillis());
        final UnitRecord observed = current.withHealth(health);
        if (health.healthy() != current.health().healthy()) {
            out.save(current, out.sendAway(observed, "HEARTBEAT_MISSED"), "HEALTH_CHANGED", LedgerOutputs.cause(record));
            return;
        }
        final List<Reservation> breaching = CapacityLedger.toMigrate(observed);
        final boolean moved = Math.abs(health.ewmaLatencyMillis() - current.health().ewmaLatencyMillis())
                > LATENCY_CHANGE * Math.max(1, current.health().ewmaLatencyMillis())
                || Math.abs(health.availability() - current.health().availability()) >= 0.01;
        if (!breaching.isEmpty()) {
            out.save(current, out.sendAway(observed, "SLA_BREACH"), "SLA_BREACHED", LedgerOutputs.cause(record));
        } else if (moved) {
            units.put(observed);
            out.publish(observed);
        } else {
            // half the limit: a restart resumes from a heartbeat at most that old, still inside the limit
            units.observe(observed, settings.heartbeatLimitMillis() / 2);
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
                final UnitRecord next = out.sendAway(unit.withHealth(judged), "HEARTBEAT_MISSED");
                out.save(unit, next, "HEALTH_CHANGED", "clock");
                unit = units.get(unitId);
            }
            for (final Reservation due : CapacityLedger.due(unit, now)) {
                final boolean lapsed = !due.confirmed();
                if (lapsed) {
                    LOG.info("reservation expired allocation={} unit={} unconfirmed for {} ms", due.allocationId(), unitId,
                            now - due.reservedAt());
                }
                reservations.release(unitId, due.allocationId(),
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
}
