package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.DataUnitState;
import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.OutcomeStatus;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.topology.model.DemandRecord;
import dev.orchestrator.topology.model.Hosted;
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
 * outcomes and clock ticks through the whole topology on one partition, with invariants 1 to 4 of
 * DESIGN.md checked after every step on what it published and stored.
 */
class InvariantProperties {
    private static final List<String> UNITS = List.of("u1", "u2", "u3", "u4");
    private static final List<String> CONSUMERS = List.of("c1", "c2", "c3");
    /** c1 may hold 3 allocations; c2 has a budget of 0.50 per month; c3 is unlimited. */
    private static final int C1_MAX_UNITS = 3;
    private static final long C2_BUDGET_MICROS = 500_000;

    sealed interface Step permits Register, ChangeState, Heartbeat, Place, Release, Confirm, Fail, Tick {
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

    @Property(tries = 60)
    void invariantsHoldAfterEveryStep(@ForAll("steps") @Size(min = 5, max = 60) final List<Step> steps) {
        try (EngineHarness engine = new EngineHarness()) {
            engine.policy(Policy.newBuilder().setConsumerId("c1").setMaxUnits(C1_MAX_UNITS).setUpdatedAt(Instant.EPOCH).build());
            engine.policy(Policy.newBuilder().setConsumerId("c2").setBudget(new Money(BigDecimal.valueOf(C2_BUDGET_MICROS, 6),
                    "USD")).setUpdatedAt(Instant.EPOCH).build());
            final List<String> placed = new ArrayList<>();
            int demands = 0;
            for (final Step step : steps) {
                demands += apply(engine, step, placed, demands);
                checkInvariants(engine, demands);
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
        }
        return 0;
    }

    private static java.util.Optional<PlacementCommand> pick(final EngineHarness engine, final int which) {
        final List<PlacementCommand> open = engine.commands.stream()
                .filter(c -> c.getType() != dev.orchestrator.avro.CommandType.DEPROVISION).toList();
        return open.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(open.get(which % open.size()));
    }

    private static void checkInvariants(final EngineHarness engine, final int demands) {
        final Map<String, DemandRecord> records = new HashMap<>();
        final Map<String, Hosted> hosted = new HashMap<>();
        engine.driver.<String, DemandRecord>getKeyValueStore(StoreNames.DEMANDS).all()
                .forEachRemaining(kv -> records.put(kv.key, kv.value));
        engine.driver.<String, Hosted>getKeyValueStore(StoreNames.HOSTED).all()
                .forEachRemaining(kv -> hosted.put(kv.key, kv.value));
        Invariants.check(new Invariants.Committed(engine.allocations, engine.audit, List.of(records), List.of(hosted)),
                Map.of("c1", C1_MAX_UNITS), Map.of("c2", C2_BUDGET_MICROS));
        // invariant 1 on the engine's own state: no unit holds more than its capacity
        engine.units().forEach((id, unit) -> assertThat(unit.state().capacity().covers(unit.used()))
                .as("overcommit on %s", id).isTrue());
        // invariant 2: every demand so far has exactly one decision
        final Map<String, Long> decisions = new HashMap<>();
        engine.allocations.stream().filter(Invariants::isDecision).forEach(r -> decisions.merge(r.getDemandId(), 1L, Long::sum));
        assertThat(decisions.values()).allMatch(n -> n == 1);
        assertThat(decisions).hasSize(demands);
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
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, register), net.jqwik.api.Tuple.of(1, change), net.jqwik.api.Tuple.of(3, heartbeat),
                net.jqwik.api.Tuple.of(6, place), net.jqwik.api.Tuple.of(2, release), net.jqwik.api.Tuple.of(3, confirm),
                net.jqwik.api.Tuple.of(1, fail), net.jqwik.api.Tuple.of(2, tick)).list();
    }
}
