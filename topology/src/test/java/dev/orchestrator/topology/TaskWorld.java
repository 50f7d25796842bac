package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
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
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The engine on three partitions ({@link TaskCluster}) driven step by step: the steps a test or a property takes
 * (registrations, demands, gangs, outcomes, ticks, runs, commits and crashes of single tasks), what was sent, and
 * the checks of invariants 1 to 5 on what was committed.
 */
final class TaskWorld {
    static final List<String> UNITS = List.of("u1", "u2", "u3", "u4", "u5", "u6");
    private static final Map<String, Integer> MAX_UNITS = Map.of("c1", 3);
    private static final Map<String, Long> BUDGETS = Map.of("c2", 500_000L);
    private static final Map<String, Integer> DISRUPTION = Map.of("c2", 50, "c3", 100);

    /** One thing that happens to the cluster. */
    public sealed interface Step permits Register, ChangeState, Heartbeat, Place, Gang, Duplicate, Release, Confirm, Fail,
            Tick, Run, Commit, Crash, LimitC4, Settle {
    }

    record Register(String unit, long gb, int priceCents) implements Step {
    }

    record ChangeState(String unit, DataUnitState target) implements Step {
    }

    record Heartbeat(String unit, boolean up) implements Step {
    }

    /** {@code region} 0 for any, else the demand is bound to one of the two regions. */
    record Place(String consumer, long gb, long durationSeconds, int region, int priority, long waitSeconds) implements Step {
        /** At the consumer's priority, never waiting. */
        Place(final String consumer, final long gb, final long durationSeconds, final int region) {
            this(consumer, gb, durationSeconds, region, 0, 0);
        }

    }

    /**
     * {@code members} demands of {@code consumer} in one new group, at least {@code minMembers} placed together,
     * within {@code timeoutSeconds} (0: the engine's default).
     */
    record Gang(String consumer, int members, int minMembers, long gb, long timeoutSeconds) implements Step {
    }

    /** A producer retry: an earlier demand sent again, same id. */
    record Duplicate(int which) implements Step {
    }

    record Release(int which) implements Step {
    }

    /** An executor reports a command done; {@code latest} picks the newest one not yet reported. */
    record Confirm(int which, boolean latest) implements Step {
    }

    record Fail(int which) implements Step {
    }

    /** Time passes; with {@code heartbeats}, every unit is heard from after it. */
    record Tick(int seconds, boolean heartbeats) implements Step {
    }

    record Run(int task, int records) implements Step {
    }

    record Commit(int task) implements Step {
    }

    record Crash(int task) implements Step {
    }

    /** Every task runs and commits until nothing is left: what follows sees the results. */
    record Settle() implements Step {
    }

    /** c4, so far unlimited, gets a policy limiting it to {@code maxUnits}: its slices adopt what they hold. */
    record LimitC4(int maxUnits) implements Step {
    }

    final TaskCluster cluster;
    final List<Demand> sent = new ArrayList<>();
    final Set<String> demandIds = new HashSet<>();
    final Map<String, String> providers = new HashMap<>();
    int sequence;
    int crashes;
    int confirmSteps;
    final Set<String> reported = new HashSet<>();

    /**
     * Two storage units registered, a consumer {@code consumer} with no limits (its demands need no
     * lease round trip) that every task knows, and {@code millis} later: every task has heard the others' pools.
     */
    static TaskWorld settled(final String consumer, final long millis) {
        final TaskWorld world = new TaskWorld(new TaskCluster(EngineSettings.defaults()));
        world.start(List.of(new Register("u1", 100, 100), new Register("u3", 100, 100)));
        final TaskCluster cluster = world.cluster;
        cluster.produce(cluster.topics.policy, consumer, Policy.newBuilder().setConsumerId(consumer)
                .setUpdatedAt(cluster.instant()).build());
        cluster.settle();
        cluster.advance(millis);
        cluster.settle();
        return world;
    }

    TaskWorld(final TaskCluster cluster) {
        this.cluster = cluster;
    }

    void start(final List<Register> fleet) {
        cluster.produce(cluster.topics.policy, "c1", Policy.newBuilder().setConsumerId("c1")
                .setMaxUnits(MAX_UNITS.get("c1")).setUpdatedAt(cluster.instant()).build());
        // c2 lets half its allocations be preempted per window, c3 all (c1 and c4 the engine's default, a fifth)
        cluster.produce(cluster.topics.policy, "c2", Policy.newBuilder().setConsumerId("c2")
                .setBudget(new Money(BigDecimal.valueOf(BUDGETS.get("c2"), 6), "USD"))
                .setDisruptionBudgetPercent(DISRUPTION.get("c2")).setUpdatedAt(cluster.instant()).build());
        // c3 waits a minute for capacity when its demands name no wait
        cluster.produce(cluster.topics.policy, "c3", Policy.newBuilder().setConsumerId("c3")
                .setDisruptionBudgetPercent(DISRUPTION.get("c3")).setMaxWaitSeconds(60L).setUpdatedAt(cluster.instant()).build());
        fleet.forEach(this::apply);
        cluster.settle();
        // a second for every task to hear what the others' pools hold
        cluster.advance(1_000);
        cluster.settle();
    }

    void apply(final Step step) {
        final TaskCluster.SimTask[] tasks = cluster.tasks.toArray(TaskCluster.SimTask[]::new);
        if (step instanceof Register r) {
            providers.putIfAbsent(r.unit(), "p-" + r.unit());
            cluster.produce(cluster.topics.dataUnit, r.unit(), DataUnitEvent.newBuilder().setEventId("reg-" + r.unit()
                            + "-" + sequence++).setDataUnitId(r.unit()).setProviderId(providers.get(r.unit()))
                    .setType(DataUnitEventType.REGISTER).setKind(ResourceKind.STORAGE)
                    .setRegion(UNITS.indexOf(r.unit()) % 2 == 0 ? "eu-west-1" : "us-east-1")
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
                    .setRegions(p.region() == 0 ? List.of() : List.of(p.region() == 1 ? "eu-west-1" : "us-east-1"))
                    .setPriority(p.priority() == 0 ? null : p.priority())
                    .setMaxWaitSeconds(p.waitSeconds() == 0 ? null : p.waitSeconds())
                    .setRequestedAt(cluster.instant()).build());
        } else if (step instanceof Gang g) {
            final String group = "g" + sequence++;
            for (int i = 0; i < g.members(); i++) {
                send(Demand.newBuilder().setDemandId("d" + sequence++).setConsumerId(g.consumer())
                        .setType(DemandType.PLACE).setKind(ResourceKind.STORAGE)
                        .setResources(ResourceSpec.newBuilder().setStorage(new Quantity(g.gb() + "", "GB")).build())
                        .setGroupId(group).setMinMembers(g.minMembers())
                        .setGroupTimeoutSeconds(g.timeoutSeconds() == 0 ? null : g.timeoutSeconds())
                        .setRequestedAt(cluster.instant()).build());
            }
        } else if (step instanceof Duplicate d) {
            if (!sent.isEmpty()) {
                final Demand again = sent.get(d.which() % sent.size());
                cluster.produce(cluster.topics.demand, again.getDemandId(), again);
            }
        } else if (step instanceof Release r) {
            release(r.which());
        } else if (step instanceof Confirm c) {
            confirmSteps++;
            (c.latest() ? latest() : pick(c.which())).ifPresent(cmd -> outcome(cmd, cmd.getType() == CommandType.MIGRATE
                    ? OutcomeStatus.MIGRATED : OutcomeStatus.PROVISIONED));
        } else if (step instanceof Fail f) {
            pick(f.which()).ifPresent(cmd -> outcome(cmd, OutcomeStatus.FAILED));
        } else if (step instanceof Tick t) {
            cluster.advance(t.seconds() * 1000L);
            if (t.heartbeats()) {
                providers.keySet().forEach(u -> apply(new Heartbeat(u, true)));
            }
        } else if (step instanceof Run r) {
            tasks[r.task() % tasks.length].run(r.records());
        } else if (step instanceof Commit c) {
            tasks[c.task() % tasks.length].commit();
        } else if (step instanceof Crash c) {
            tasks[c.task() % tasks.length].crash();
            crashes++;
        } else if (step instanceof Settle) {
            cluster.settle();
        } else if (step instanceof LimitC4 l) {
            cluster.produce(cluster.topics.policy, "c4", Policy.newBuilder().setConsumerId("c4").setMaxUnits(l.maxUnits())
                    .setUpdatedAt(cluster.instant()).build());
        }
    }

    private void release(final int which) {
        final List<AllocationResult> placed = cluster.committed(cluster.topics.allocations).stream()
                .filter(a -> a.getStatus() == AllocationStatus.PLACED).toList();
        if (!placed.isEmpty()) {
            final AllocationResult target = placed.get(which % placed.size());
            send(Demand.newBuilder().setDemandId("r" + sequence++).setConsumerId(target.getConsumerId())
                    .setType(DemandType.RELEASE).setReleaseOf(target.getDemandId())
                    .setRequestedAt(cluster.instant()).build());
        }
    }

    void send(final Demand demand) {
        sent.add(demand);
        demandIds.add(demand.getDemandId());
        cluster.produce(cluster.topics.demand, demand.getDemandId(), demand);
    }

    private Optional<PlacementCommand> pick(final int which) {
        final List<PlacementCommand> open = cluster.committed(cluster.topics.commands).stream()
                .filter(c -> c.getType() != CommandType.DEPROVISION).toList();
        return open.isEmpty() ? Optional.empty() : Optional.of(open.get(which % open.size()));
    }

    private Optional<PlacementCommand> latest() {
        final List<PlacementCommand> open = cluster.committed(cluster.topics.commands).stream()
                .filter(c -> c.getType() != CommandType.DEPROVISION && !reported.contains(c.getCommandId()))
                .sorted(java.util.Comparator.comparing(PlacementCommand::getIssuedAt)).toList();
        return open.isEmpty() ? Optional.empty() : Optional.of(open.get(open.size() - 1));
    }

    void outcome(final PlacementCommand command, final OutcomeStatus status) {
        reported.add(command.getCommandId());
        cluster.produce(cluster.topics.outcomes, command.getCommandId(), ExecutionOutcome.newBuilder()
                .setCommandId(command.getCommandId()).setAllocationId(command.getAllocationId())
                .setDataUnitId(command.getDataUnitId()).setStatus(status)
                .setEndpoint(status == OutcomeStatus.FAILED ? null : "pvc://" + command.getDataUnitId())
                .setErrorCode(status == OutcomeStatus.FAILED ? "QUOTA" : null).setAt(cluster.instant()).build());
    }

    void check() {
        Invariants.check(new Invariants.Committed(cluster.committed(cluster.topics.allocations),
                cluster.committed(cluster.topics.audit),
                cluster.tasks.stream().map(t -> t.<dev.orchestrator.topology.model.DemandRecord>committedStore(StoreNames.DEMANDS)).toList(),
                cluster.tasks.stream().map(t -> t.<dev.orchestrator.topology.model.Hosted>committedStore(StoreNames.HOSTED)).toList()),
                MAX_UNITS, BUDGETS);
        final dev.orchestrator.topology.schedule.SchedulingSettings scheduling = EngineSettings.defaults().scheduling();
        Invariants.checkPreemptions(cluster.committed(cluster.topics.allocations),
                c -> DISRUPTION.getOrDefault(c, scheduling.disruptionPercent()), scheduling.disruptionWindowMillis());
        Invariants.checkGangs(cluster.committed(cluster.topics.allocations), sent);
        final Set<String> decided = new HashSet<>();
        cluster.committed(cluster.topics.allocations).stream().filter(Invariants::isDecision)
                .forEach(r -> decided.add(r.getDemandId()));
        assertThat(demandIds).as("decisions only for demands sent").containsAll(decided);
    }

    /** What the run exercised, so a property that passes is known to have tried the multi-task paths. */
    void collectStatistics() {
        final List<AllocationResult> decisions = cluster.committed(cluster.topics.allocations);
        final long moved = cluster.tasks.stream().mapToLong(t -> t.<dev.orchestrator.topology.model.DemandRecord>committedStore(
                StoreNames.DEMANDS).values().stream().filter(r -> r instanceof dev.orchestrator.topology.model.Moved).count()).sum();
        final Map<String, Long> routed = new HashMap<>();
        cluster.committedRoutes().forEach(m -> routed.merge(m.getClass().getSimpleName(), 1L, Long::sum));
        net.jqwik.api.statistics.Statistics.label("placed").collect(bucket(decisions.stream()
                .filter(r -> r.getStatus() == AllocationStatus.PLACED).count()));
        net.jqwik.api.statistics.Statistics.label("moved to another task").collect(bucket(moved));
        for (final String kind : List.of("Spill", "LeaseRequest", "LeaseRecall", "HostReserve", "Handover", "GangHandoff")) {
            net.jqwik.api.statistics.Statistics.label(kind).collect(bucket(routed.getOrDefault(kind, 0L)));
        }
        final Map<String, Long> actions = new HashMap<>();
        decisions.stream().filter(r -> r.getChange() != null).forEach(r -> actions.merge(r.getChange().getAction(), 1L, Long::sum));
        for (final String action : List.of("ACTIVE", "MIGRATED", "REPLACED", "RELEASED", "EXPIRED", "WAITING", "PREEMPTED")) {
            net.jqwik.api.statistics.Statistics.label(action).collect(bucket(actions.getOrDefault(action, 0L)));
        }
        net.jqwik.api.statistics.Statistics.label("gang members placed together").collect(bucket(decisions.stream()
                .filter(r -> r.getReasonDetail() != null && r.getReasonDetail().contains("placed with group")).count()));
        net.jqwik.api.statistics.Statistics.label("GANG_TIMEOUT").collect(bucket(decisions.stream()
                .filter(r -> r.getReason() == ReasonCode.GANG_TIMEOUT).count()));
        net.jqwik.api.statistics.Statistics.label("crashes").collect(bucket(crashes));
        net.jqwik.api.statistics.Statistics.label("outcomes sent").collect(bucket(reported.size()));
        net.jqwik.api.statistics.Statistics.label("confirm steps").collect(bucket(confirmSteps));
        net.jqwik.api.statistics.Statistics.label("commands").collect(bucket(cluster.committed(cluster.topics.commands).size()));
        final Map<String, Long> dead = new HashMap<>();
        cluster.committedDeadLetterReasons().forEach(r -> dead.merge(r, 1L, Long::sum));
        net.jqwik.api.statistics.Statistics.label("dead letters").collect(dead.keySet().stream().sorted().toList().toString());
    }

    private static String bucket(final long n) {
        return n == 0 ? "0" : n < 3 ? "1-2" : n < 10 ? "3-9" : "10+";
    }

    /** Invariants 2 and 5 in full: every demand sent is valid, so each is decided exactly once. */
    void checkEveryDemandDecided() {
        final Set<String> decided = new HashSet<>();
        cluster.committed(cluster.topics.allocations).stream().filter(Invariants::isDecision)
                .forEach(r -> decided.add(r.getDemandId()));
        assertThat(decided).as("demands decided").containsExactlyInAnyOrderElementsOf(demandIds);
    }
}
