package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.AuditEvent;
import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.DataUnitEventType;
import dev.orchestrator.avro.DataUnitState;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.ExecutionOutcome;
import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.OutcomeStatus;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.avro.Quantity;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.avro.ResourceSpec;
import dev.orchestrator.avro.Telemetry;
import dev.orchestrator.topology.admission.ConsumerAccount;
import dev.orchestrator.topology.ledger.UnitRecord;
import dev.orchestrator.topology.ledger.UnitStore;
import dev.orchestrator.topology.model.Reservation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;

/**
 * The multi-task property of DESIGN.md section 3.1: the engine's processors on three partitions
 * ({@link TaskCluster}), driven through random interleavings of demands, duplicates, releases,
 * registrations, lifecycle changes, telemetry, executor outcomes, clock ticks, commits and crashes
 * that drop a task's uncommitted output and state. Invariants 1 to 4 hold on committed output after
 * every step; once everything has settled, invariants 2 and 5 hold in full: each demand sent has
 * exactly one decision.
 */
class MultiTaskProperties {
    private static final List<String> UNITS = List.of("u1", "u2", "u3", "u4", "u5");
    private static final List<String> CONSUMERS = List.of("c1", "c2", "c3", "c4");
    private static final int C1_MAX_UNITS = 3;
    private static final long C2_BUDGET_MICROS = 500_000;

    sealed interface Step permits Register, ChangeState, Heartbeat, Place, Duplicate, Release, Confirm, Fail, Tick,
            Run, Commit, Crash, Refresh {
    }

    record Register(String unit, long gb, int priceCents) implements Step {
    }

    record ChangeState(String unit, DataUnitState target) implements Step {
    }

    record Heartbeat(String unit, boolean up) implements Step {
    }

    record Place(String consumer, long gb, long durationSeconds) implements Step {
    }

    /** A producer retry: an earlier demand sent again, same id. */
    record Duplicate(int which) implements Step {
    }

    record Release(int which) implements Step {
    }

    record Confirm(int which) implements Step {
    }

    record Fail(int which) implements Step {
    }

    record Tick(int seconds) implements Step {
    }

    record Run(int task, int records) implements Step {
    }

    record Commit(int task) implements Step {
    }

    record Crash(int task) implements Step {
    }

    /** The global thread catches up on unit views and SLAs. */
    record Refresh() implements Step {
    }

    @Property(tries = 80)
    void invariantsHoldAcrossTasksCommitsAndCrashes(@ForAll("steps") @Size(min = 10, max = 120) final List<Step> steps) {
        final World world = new World(new TaskCluster(EngineSettings.defaults()));
        world.start();
        for (final Step step : steps) {
            world.apply(step);
            world.checkCommitted(false);
        }
        world.cluster.settle();
        world.checkCommitted(true);
    }

    /** The cluster and what the test has sent it. */
    private static final class World {
        final TaskCluster cluster;
        final List<Demand> sent = new ArrayList<>();
        final Set<String> demandIds = new HashSet<>();
        final Map<String, String> providers = new HashMap<>();
        int sequence;

        World(final TaskCluster cluster) {
            this.cluster = cluster;
        }

        void start() {
            cluster.produce(cluster.topics.policy, "c1", Policy.newBuilder().setConsumerId("c1").setMaxUnits(C1_MAX_UNITS)
                    .setUpdatedAt(cluster.instant()).build());
            cluster.produce(cluster.topics.policy, "c2", Policy.newBuilder().setConsumerId("c2")
                    .setBudget(new Money(BigDecimal.valueOf(C2_BUDGET_MICROS, 6), "USD")).setUpdatedAt(cluster.instant()).build());
            cluster.settle();
        }

        void apply(final Step step) {
            final TaskCluster.SimTask[] tasks = cluster.tasks.toArray(TaskCluster.SimTask[]::new);
            if (step instanceof Register r) {
                providers.putIfAbsent(r.unit(), "p-" + r.unit());
                cluster.produce(cluster.topics.dataUnit, r.unit(), DataUnitEvent.newBuilder().setEventId("reg-" + r.unit()
                                + "-" + sequence++).setDataUnitId(r.unit()).setProviderId(providers.get(r.unit()))
                        .setType(DataUnitEventType.REGISTER).setKind(ResourceKind.STORAGE).setRegion("eu-west-1")
                        .setCapacity(ResourceSpec.newBuilder().setStorage(new Quantity(r.gb() + "", "GB")).build())
                        .setPricePerHour(new Money(BigDecimal.valueOf(r.priceCents(), 2), "USD"))
                        .setAdvertisedLatencyMillis(10.0).setAdvertisedAvailability(0.999).setAt(cluster.instant()).build());
            } else if (step instanceof ChangeState c) {
                cluster.produce(cluster.topics.dataUnit, c.unit(), DataUnitEvent.newBuilder()
                        .setEventId("st-" + c.unit() + "-" + sequence++).setDataUnitId(c.unit())
                        .setProviderId(providers.getOrDefault(c.unit(), "p")).setType(DataUnitEventType.CHANGE_STATE)
                        .setTargetState(c.target()).setReason("test").setAt(cluster.instant()).build());
            } else if (step instanceof Heartbeat h) {
                cluster.produce(cluster.topics.telemetry, h.unit(), Telemetry.newBuilder()
                        .setDataUnitId(h.unit()).setProviderId(providers.getOrDefault(h.unit(), "p"))
                        .setObservedAt(cluster.instant()).setLatencyMillis(8.0).setAvailable(h.up()).build());
            } else if (step instanceof Place p) {
                send(Demand.newBuilder().setDemandId("d" + sequence++).setConsumerId(p.consumer())
                        .setType(DemandType.PLACE).setKind(ResourceKind.STORAGE)
                        .setResources(ResourceSpec.newBuilder().setStorage(new Quantity(p.gb() + "", "GB")).build())
                        .setDurationMillis(p.durationSeconds() > 0 ? p.durationSeconds() * 1000 : null)
                        .setRequestedAt(cluster.instant()).build());
            } else if (step instanceof Duplicate d) {
                if (!sent.isEmpty()) {
                    final Demand again = sent.get(d.which() % sent.size());
                    cluster.produce(cluster.topics.demand, again.getDemandId(), again);
                }
            } else if (step instanceof Release r) {
                final List<AllocationResult> placed = cluster.committed(cluster.topics.allocations).stream()
                        .filter(a -> a.getStatus() == AllocationStatus.PLACED).toList();
                if (!placed.isEmpty()) {
                    final AllocationResult target = placed.get(r.which() % placed.size());
                    send(Demand.newBuilder().setDemandId("r" + sequence++).setConsumerId(target.getConsumerId())
                            .setType(DemandType.RELEASE).setReleaseOf(target.getDemandId())
                            .setRequestedAt(cluster.instant()).build());
                }
            } else if (step instanceof Confirm c) {
                pick(c.which()).ifPresent(cmd -> outcome(cmd, cmd.getType() == CommandType.MIGRATE
                        ? OutcomeStatus.MIGRATED : OutcomeStatus.PROVISIONED));
            } else if (step instanceof Fail f) {
                pick(f.which()).ifPresent(cmd -> outcome(cmd, OutcomeStatus.FAILED));
            } else if (step instanceof Tick t) {
                cluster.advance(t.seconds() * 1000L);
            } else if (step instanceof Run r) {
                tasks[r.task() % tasks.length].run(r.records());
            } else if (step instanceof Commit c) {
                tasks[c.task() % tasks.length].commit();
            } else if (step instanceof Crash c) {
                tasks[c.task() % tasks.length].crash();
            } else if (step instanceof Refresh r) {
                cluster.refreshGlobal();
            }
        }

        private void send(final Demand demand) {
            sent.add(demand);
            demandIds.add(demand.getDemandId());
            cluster.produce(cluster.topics.demand, demand.getDemandId(), demand);
        }

        private java.util.Optional<PlacementCommand> pick(final int which) {
            final List<PlacementCommand> open = cluster.committed(cluster.topics.commands).stream()
                    .filter(c -> c.getType() != CommandType.DEPROVISION).toList();
            return open.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(open.get(which % open.size()));
        }

        private void outcome(final PlacementCommand command, final OutcomeStatus status) {
            cluster.produce(cluster.topics.outcomes, command.getCommandId(), ExecutionOutcome.newBuilder()
                    .setCommandId(command.getCommandId()).setAllocationId(command.getAllocationId())
                    .setDataUnitId(command.getDataUnitId()).setStatus(status)
                    .setEndpoint(status == OutcomeStatus.FAILED ? null : "pvc://" + command.getDataUnitId())
                    .setErrorCode(status == OutcomeStatus.FAILED ? "QUOTA" : null).setAt(cluster.instant()).build());
        }

        void checkCommitted(final boolean settled) {
            final Map<String, List<Reservation>> byConsumer = new HashMap<>();
            for (final TaskCluster.SimTask task : cluster.tasks) {
                if (!task.name.equals("ledger")) {
                    continue;
                }
                final Map<String, UnitRecord> units = UnitStore.readAll(task.store(StoreNames.UNITS),
                        task.store(StoreNames.RESERVATIONS));
                units.forEach((id, unit) -> {
                    // invariant 1: a unit's reservations never exceed its capacity, on any task
                    assertThat(unit.spec().capacity().covers(unit.used())).as("overcommit on %s (%s)", id, task).isTrue();
                    unit.reservations().values().forEach(r ->
                            byConsumer.computeIfAbsent(r.consumerId(), c -> new ArrayList<>()).add(r));
                });
            }
            final List<AuditEvent> audit = cluster.committed(cluster.topics.audit);
            for (final AuditEvent event : audit) {
                if (event.getAction().equals("RESERVED")) {
                    // invariant 1: nothing reserved on a unit that takes no placements
                    assertThat(event.getBefore()).contains("\"healthy\":true")
                            .containsAnyOf("\"state\":\"AVAILABLE\"", "\"state\":\"RESERVED\"", "\"state\":\"IN_USE\"");
                }
            }
            // invariant 4: per entity, committed changes run 1..n and each starts where the last one ended
            final Map<String, AuditEvent> lastByEntity = new HashMap<>();
            for (final AuditEvent event : audit) {
                final String entity = event.getEntityType() + "/" + event.getEntityId();
                final AuditEvent last = lastByEntity.put(entity, event);
                assertThat(event.getSequence()).as("sequence of %s", entity).isEqualTo(last == null ? 1 : last.getSequence() + 1);
                if (last != null && event.getBefore() != null) {
                    assertThat(EngineHarness.json(event.getBefore())).as("%s change %d starts where %d ended", entity,
                            event.getSequence(), last.getSequence()).isEqualTo(EngineHarness.json(last.getAfter()));
                }
            }
            // invariant 2: never two decisions for one demand; once settled, exactly one for each demand sent
            final Map<String, Long> decisions = new HashMap<>();
            for (final AllocationResult result : cluster.committed(cluster.topics.allocations)) {
                final boolean decision = (result.getStatus() == AllocationStatus.PLACED
                        || result.getStatus() == AllocationStatus.REJECTED) && result.getReason() != ReasonCode.EXECUTION_FAILED
                        || result.getStatus() == AllocationStatus.RELEASED && result.getDemandId().startsWith("r");
                if (decision) {
                    decisions.merge(result.getDemandId(), 1L, Long::sum);
                }
            }
            decisions.forEach((demand, n) -> assertThat(n).as("decisions of %s", demand).isEqualTo(1));
            assertThat(demandIds).containsAll(decisions.keySet());
            if (settled) {
                // invariant 5: every demand sent is valid, so each is decided (state changes of unknown units are dead-lettered)
                assertThat(decisions.keySet()).as("demands decided").containsExactlyInAnyOrderElementsOf(demandIds);
            }
            // invariant 3: quotas and budgets hold across tasks (a migrating allocation is held on two units)
            final long c1Held = byConsumer.getOrDefault("c1", List.of()).stream().map(Reservation::allocationId).distinct().count();
            assertThat(c1Held).as("allocations held by c1").isLessThanOrEqualTo(C1_MAX_UNITS);
            for (final TaskCluster.SimTask task : cluster.tasks) {
                if (task.name.equals("decider")) {
                    final ConsumerAccount c2 = task.<ConsumerAccount>store(StoreNames.ACCOUNTS).get("c2");
                    if (c2 != null) {
                        assertThat(c2.spentMicros() + c2.committedMicros()).as("c2's budget on %s", task)
                                .isLessThanOrEqualTo(C2_BUDGET_MICROS);
                    }
                }
            }
        }
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        final Arbitrary<String> unit = Arbitraries.of(UNITS);
        final Arbitrary<Integer> task = Arbitraries.integers().between(0, 5 * TaskCluster.PARTITIONS - 1);
        final Arbitrary<Step> register = Combinators.combine(unit, Arbitraries.longs().between(10, 200),
                Arbitraries.integers().between(10, 300)).as(Register::new);
        final Arbitrary<Step> change = Combinators.combine(unit, Arbitraries.of(DataUnitState.MAINTENANCE,
                DataUnitState.AVAILABLE, DataUnitState.DECOMMISSIONING)).as(ChangeState::new);
        final Arbitrary<Step> heartbeat = Combinators.combine(unit, Arbitraries.of(true, true, true, false)).as(Heartbeat::new);
        final Arbitrary<Step> place = Combinators.combine(Arbitraries.of(CONSUMERS), Arbitraries.longs().between(1, 120),
                Arbitraries.of(0L, 0L, 30L, 600L)).as(Place::new);
        final Arbitrary<Step> duplicate = Arbitraries.integers().between(0, 1000).map(Duplicate::new);
        final Arbitrary<Step> release = Arbitraries.integers().between(0, 1000).map(Release::new);
        final Arbitrary<Step> confirm = Arbitraries.integers().between(0, 1000).map(Confirm::new);
        final Arbitrary<Step> fail = Arbitraries.integers().between(0, 1000).map(Fail::new);
        final Arbitrary<Step> tick = Arbitraries.integers().between(1, 90).map(Tick::new);
        final Arbitrary<Step> run = Combinators.combine(task, Arbitraries.integers().between(1, 6)).as(Run::new);
        final Arbitrary<Step> commit = task.map(Commit::new);
        final Arbitrary<Step> crash = task.map(Crash::new);
        final Arbitrary<Step> refresh = Arbitraries.just(new Refresh());
        return Arbitraries.frequencyOf(
                Tuple.of(3, register), Tuple.of(1, change), Tuple.of(2, heartbeat), Tuple.of(6, place), Tuple.of(1, duplicate),
                Tuple.of(2, release), Tuple.of(3, confirm), Tuple.of(1, fail), Tuple.of(1, tick), Tuple.of(12, run),
                Tuple.of(6, commit), Tuple.of(2, crash), Tuple.of(2, refresh)).list();
    }
}
