package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.AuditEvent;
import dev.orchestrator.avro.DataUnitState;
import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.OutcomeStatus;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.topology.admission.ConsumerAccount;
import dev.orchestrator.topology.ledger.UnitRecord;
import dev.orchestrator.topology.ledger.UnitViews;
import dev.orchestrator.topology.model.Reservation;
import dev.orchestrator.topology.model.UnitView;
import dev.orchestrator.topology.serde.InternalSerde;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Random sequences of registrations, lifecycle changes, telemetry, demands, releases, executor
 * outcomes and clock ticks, with invariants 1 to 3 of DESIGN.md checked after every step.
 */
class InvariantProperties {
    private static final List<String> UNITS = List.of("u1", "u2", "u3", "u4");
    private static final List<String> CONSUMERS = List.of("c1", "c2", "c3");
    /** c1 may hold 3 allocations; c2 has a budget of 0.50 per month; c3 is unlimited. */
    private static final int C1_MAX_UNITS = 3;
    private static final long C2_BUDGET_MICROS = 500_000;

    sealed interface Step permits Register, ChangeState, Heartbeat, Place, Release, Confirm, Fail, Tick, Stale {
    }

    record Register(String unit, long gb, int priceCents) implements Step {
    }

    record ChangeState(String unit, DataUnitState target) implements Step {
    }

    record Heartbeat(String unit, double latency, boolean up) implements Step {
    }

    record Place(String consumer, long gb, long durationSeconds) implements Step {
    }

    record Release(int which) implements Step {
    }

    record Confirm(int which) implements Step {
    }

    record Fail(int which) implements Step {
    }

    record Tick(int seconds) implements Step {
    }

    /** An outdated view of a unit reaches the scorers: empty and open, whatever it really is. */
    record Stale(String unit) implements Step {
    }

    @Property(tries = 60)
    void invariantsHoldAfterEveryStep(@ForAll("steps") @Size(min = 5, max = 60) final List<Step> steps) {
        try (EngineHarness engine = new EngineHarness()) {
            engine.policy(Policy.newBuilder().setConsumerId("c1").setMaxUnits(C1_MAX_UNITS).setUpdatedAt(Instant.EPOCH).build());
            engine.policy(Policy.newBuilder().setConsumerId("c2").setBudget(new Money(BigDecimal.valueOf(C2_BUDGET_MICROS, 6),
                    "USD")).setUpdatedAt(Instant.EPOCH).build());
            final List<String> placed = new ArrayList<>();
            final Map<String, UnitView> lastViews = new HashMap<>();
            int demands = 0;
            for (final Step step : steps) {
                demands += apply(engine, step, placed, demands);
                checkInvariants(engine, demands);
                checkViews(engine, lastViews);
            }
        }
    }

    private static int apply(final EngineHarness engine, final Step step, final List<String> placed, final int demands) {
        if (step instanceof Register r) {
            engine.register(r.unit(), "p-" + r.unit(), "eu-west-1", r.gb(), BigDecimal.valueOf(r.priceCents(), 2).toPlainString());
        } else if (step instanceof ChangeState c) {
            engine.changeState(c.unit(), c.target());
        } else if (step instanceof Heartbeat h) {
            engine.heartbeat(h.unit(), h.latency(), h.up());
        } else if (step instanceof Place p) {
            final String id = "d" + demands;
            engine.place(id, p.consumer(), p.gb(), d -> d.setDurationMillis(p.durationSeconds() > 0 ? p.durationSeconds() * 1000 : null));
            placed.add(id + "|" + p.consumer());
            return 1;
        } else if (step instanceof Release r && !placed.isEmpty()) {
            final String[] target = placed.get(r.which() % placed.size()).split("\\|");
            engine.release("r" + demands, target[1], target[0]);
            return 1;
        } else if (step instanceof Confirm c) {
            pick(engine, c.which()).ifPresent(cmd -> engine.outcome(cmd, cmd.getType()
                    == dev.orchestrator.avro.CommandType.MIGRATE ? OutcomeStatus.MIGRATED : OutcomeStatus.PROVISIONED));
        } else if (step instanceof Fail f) {
            pick(engine, f.which()).ifPresent(cmd -> engine.outcome(cmd, OutcomeStatus.FAILED));
        } else if (step instanceof Tick t) {
            engine.advance(Duration.ofSeconds(t.seconds()));
        } else if (step instanceof Stale s && engine.unit(s.unit()) != null) {
            engine.staleView(s.unit());
        }
        return 0;
    }

    private static java.util.Optional<PlacementCommand> pick(final EngineHarness engine, final int which) {
        final List<PlacementCommand> open = engine.commands.stream()
                .filter(c -> c.getType() != dev.orchestrator.avro.CommandType.DEPROVISION).toList();
        return open.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(open.get(which % open.size()));
    }

    private static void checkViews(final EngineHarness engine, final Map<String, UnitView> lastViews) {
        engine.driver.createOutputTopic(engine.topics.unitViews.name(), new org.apache.kafka.common.serialization.StringDeserializer(),
                InternalSerde.of(UnitView.class).deserializer()).readKeyValuesToList()
                .forEach(kv -> lastViews.put(kv.key, kv.value));
        final Map<String, UnitRecord> units = engine.units();
        lastViews.forEach((id, view) -> {
            final UnitRecord unit = units.get(id);
            if (unit != null && unit.auditSequence() == view.version()) {
                // invariant 4: a view of the same version shows the same capacity as the ledger holds
                assertThat(view.free()).as("view of %s at version %d", id, view.version()).isEqualTo(unit.free());
            }
        });
    }

    private static void checkInvariants(final EngineHarness engine, final int demands) {
        final Map<String, List<Reservation>> byConsumer = new HashMap<>();
        engine.units().forEach((id, unit) -> {
            // invariant 1: reservations never exceed capacity
            assertThat(unit.spec().capacity().covers(unit.used())).as("overcommit on %s", id).isTrue();
            unit.reservations().values().forEach(r -> byConsumer.computeIfAbsent(r.consumerId(), c -> new ArrayList<>()).add(r));
        });
        // invariant 1: nothing reserved on a unit that takes no placements
        for (final AuditEvent event : engine.audit) {
            if (event.getAction().equals("RESERVED")) {
                assertThat(event.getBefore()).contains("\"healthy\":true")
                        .containsAnyOf("\"state\":\"AVAILABLE\"", "\"state\":\"RESERVED\"", "\"state\":\"IN_USE\"");
            }
        }
        // invariant 4: per entity, sequences run 1..n and each change starts where the last one ended
        final Map<String, AuditEvent> lastByEntity = new HashMap<>();
        for (final AuditEvent event : engine.audit) {
            final String entity = event.getEntityType() + "/" + event.getEntityId();
            final AuditEvent last = lastByEntity.put(entity, event);
            assertThat(event.getSequence()).as("sequence of %s", entity).isEqualTo(last == null ? 1 : last.getSequence() + 1);
            if (last != null && event.getBefore() != null) {
                assertThat(EngineHarness.json(event.getBefore())).as("%s change %d starts where %d ended", entity, event.getSequence(),
                        last.getSequence()).isEqualTo(EngineHarness.json(last.getAfter()));
            }
        }
        // invariant 2: every demand so far has exactly one decision
        final Map<String, Long> decisions = new HashMap<>();
        for (final AllocationResult result : engine.allocations) {
            // a re-placement after failed provisioning (reason EXECUTION_FAILED) moves the decision, it is not a second one
            final boolean decision = (result.getStatus() == AllocationStatus.PLACED || result.getStatus() == AllocationStatus.REJECTED)
                    && result.getReason() != dev.orchestrator.avro.ReasonCode.EXECUTION_FAILED
                    || (result.getStatus() == AllocationStatus.RELEASED && result.getDemandId().startsWith("r"));
            if (decision) {
                decisions.merge(result.getDemandId(), 1L, Long::sum);
            }
        }
        assertThat(decisions.values()).allMatch(n -> n == 1);
        assertThat(decisions).hasSize(demands);
        // invariant 3: quotas and budgets hold (a migrating allocation is held on two units at once)
        final long c1Held = byConsumer.getOrDefault("c1", List.of()).stream().map(Reservation::allocationId).distinct().count();
        assertThat(c1Held).isLessThanOrEqualTo(C1_MAX_UNITS);
        final ConsumerAccount c2 = engine.driver.<String, ConsumerAccount>getKeyValueStore(StoreNames.ACCOUNTS).get("c2");
        if (c2 != null) {
            assertThat(c2.spentMicros() + c2.committedMicros()).isLessThanOrEqualTo(C2_BUDGET_MICROS);
        }
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        final Arbitrary<String> unit = Arbitraries.of(UNITS);
        final Arbitrary<Step> register = Combinators.combine(unit, Arbitraries.longs().between(10, 200),
                Arbitraries.integers().between(10, 300)).as(Register::new);
        final Arbitrary<Step> change = Combinators.combine(unit, Arbitraries.of(DataUnitState.MAINTENANCE,
                DataUnitState.AVAILABLE, DataUnitState.DECOMMISSIONING, DataUnitState.IN_USE)).as(ChangeState::new);
        final Arbitrary<Step> heartbeat = Combinators.combine(unit, Arbitraries.doubles().between(1, 500),
                Arbitraries.of(true, true, true, false)).as(Heartbeat::new);
        final Arbitrary<Step> place = Combinators.combine(Arbitraries.of(CONSUMERS), Arbitraries.longs().between(1, 120),
                Arbitraries.of(0L, 0L, 30L, 600L)).as(Place::new);
        final Arbitrary<Step> release = Arbitraries.integers().between(0, 1000).map(Release::new);
        final Arbitrary<Step> confirm = Arbitraries.integers().between(0, 1000).map(Confirm::new);
        final Arbitrary<Step> fail = Arbitraries.integers().between(0, 1000).map(Fail::new);
        final Arbitrary<Step> tick = Arbitraries.integers().between(1, 90).map(Tick::new);
        final Arbitrary<Step> stale = unit.map(Stale::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, register), net.jqwik.api.Tuple.of(1, change), net.jqwik.api.Tuple.of(3, heartbeat),
                net.jqwik.api.Tuple.of(6, place), net.jqwik.api.Tuple.of(2, release), net.jqwik.api.Tuple.of(3, confirm),
                net.jqwik.api.Tuple.of(1, fail), net.jqwik.api.Tuple.of(2, tick), net.jqwik.api.Tuple.of(2, stale)).list();
    }
}
