package dev.orchestrator.topology;

import dev.orchestrator.avro.DataUnitState;
import dev.orchestrator.topology.TaskWorld.ChangeState;
import dev.orchestrator.topology.TaskWorld.Commit;
import dev.orchestrator.topology.TaskWorld.Confirm;
import dev.orchestrator.topology.TaskWorld.Crash;
import dev.orchestrator.topology.TaskWorld.Duplicate;
import dev.orchestrator.topology.TaskWorld.Fail;
import dev.orchestrator.topology.TaskWorld.Gang;
import dev.orchestrator.topology.TaskWorld.Heartbeat;
import dev.orchestrator.topology.TaskWorld.LimitC4;
import dev.orchestrator.topology.TaskWorld.Place;
import dev.orchestrator.topology.TaskWorld.Register;
import dev.orchestrator.topology.TaskWorld.Release;
import dev.orchestrator.topology.TaskWorld.Run;
import dev.orchestrator.topology.TaskWorld.Settle;
import dev.orchestrator.topology.TaskWorld.Step;
import dev.orchestrator.topology.TaskWorld.Tick;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;

/**
 * The multi-task property of DESIGN.md section 3.1: the engine task on three partitions
 * ({@link TaskCluster}), driven through random interleavings of demands, duplicates, releases,
 * registrations, lifecycle changes, telemetry, executor outcomes, a policy that begins to limit a
 * consumer, clock ticks, and commits and crashes of single tasks (a crash drops the task's
 * uncommitted output and state). After every step, invariants 1 to 4 hold on what was committed,
 * leases and spills included; once everything has settled, each demand sent has exactly one decision.
 */
class MultiTaskProperties {
    private static final List<String> CONSUMERS = List.of("c1", "c2", "c3", "c4");

    @Property(tries = 100)
    void invariantsHoldAcrossTasksCommitsAndCrashes(@ForAll("fleet") @Size(min = 3, max = 6) final List<Register> fleet,
                                                    @ForAll("steps") @Size(min = 40, max = 200) final List<Step> steps) {
        run(fleet, steps);
    }

    /**
     * A crowded fleet (two 100 GB units) and demands of three priorities, some of which wait: preemption
     * within the budgets, waits that end placed or expired, across commits and crashes, every step.
     */
    @Property(tries = 60)
    void preemptionAndWaitingKeepTheInvariants(@ForAll("crowded") @Size(min = 40, max = 160) final List<Step> steps) {
        run(List.of(new Register("u1", 100, 100), new Register("u2", 100, 150)), steps);
    }

    /**
     * The seed that found a demand re-placed after failing on u5, spilled on, spilled back through u5's
     * task and on again: the record that replaced the one keeping u5's sequence carried none of it, and
     * after a crash u5 handed out sequence 2 a second time. Kept as a regression run.
     */
    @Property(tries = 100, seed = "3782539745983694987")
    void aDemandPassingThroughAgainLeavesItsUnitsSequencesKept(
            @ForAll("fleet") @Size(min = 3, max = 6) final List<Register> fleet,
            @ForAll("steps") @Size(min = 40, max = 200) final List<Step> steps) {
        run(fleet, steps);
    }

    private static void run(final List<Register> fleet, final List<Step> steps) {
        // half the runs hold demands for joint placement (a 20 ms window): holding, placing a batch, and a batch
        // read back after a crash keep the invariants too
        final boolean batching = steps.size() % 2 == 0;
        final TaskWorld world = new TaskWorld(new TaskCluster(batching ? EngineSettings.defaults().withScheduling(
                EngineSettings.defaults().scheduling().withBatchWindow(20)) : EngineSettings.defaults()));
        net.jqwik.api.statistics.Statistics.label("joint placement").collect(batching);
        world.start(fleet);
        for (final Step step : steps) {
            world.apply(step);
            world.check();
        }
        world.cluster.settle();
        world.check();
        // demands still held for joint placement are decided once the window passes: the long jump below fires each
        // punctuator once, so a demand decided in it (WAITING from then on) would see no later sweep
        world.cluster.advance(1_000);
        world.cluster.settle();
        // every wait ends by its deadline (a preempted allocation's within the requeue wait)
        world.cluster.advance(EngineSettings.defaults().scheduling().requeueWaitMillis() + 1_000);
        world.cluster.settle();
        world.check();
        world.checkEveryDemandDecided();
        world.collectStatistics();
    }

    @Provide
    Arbitrary<List<Step>> crowded() {
        final Arbitrary<Integer> task = Arbitraries.integers().between(0, 5 * TaskCluster.PARTITIONS - 1);
        final Arbitrary<Step> place = Combinators.combine(Arbitraries.of(CONSUMERS), Arbitraries.longs().between(20, 100),
                Arbitraries.of(0L, 60L, 600L), Arbitraries.of(0, 0, 1, 2), Arbitraries.of(0, 5, 10),
                Arbitraries.of(0L, 0L, 20L, 120L)).as(Place::new);
        final Arbitrary<Step> release = Arbitraries.integers().between(0, 1000).map(Release::new);
        final Arbitrary<Step> confirm = Combinators.combine(Arbitraries.integers().between(0, 1000),
                Arbitraries.of(true, false)).as(Confirm::new);
        final Arbitrary<Step> tick = Combinators.combine(Arbitraries.integers().between(1, 40),
                Arbitraries.of(true, true, true, false)).as(Tick::new);
        return Arbitraries.frequencyOf(Tuple.of(10, place), Tuple.of(3, gang()), Tuple.of(2, release), Tuple.of(6, confirm), Tuple.of(3, tick),
                Tuple.of(12, Combinators.combine(task, Arbitraries.integers().between(1, 6)).as(Run::new)),
                Tuple.of(5, task.map(Commit::new)), Tuple.of(2, task.map(Crash::new)),
                Tuple.of(4, Arbitraries.just(new Settle()))).list();
    }

    @Provide
    Arbitrary<List<Register>> fleet() {
        return Combinators.combine(Arbitraries.of(TaskWorld.UNITS), Arbitraries.longs().between(50, 200),
                Arbitraries.integers().between(10, 300)).as(Register::new).list().uniqueElements(Register::unit);
    }

    /** Groups of 1 to 5 members of 10 to 70 GB, a minimum up to the group's size, the engine's timeout or 20 s. */
    private static Arbitrary<Step> gang() {
        return Combinators.combine(Arbitraries.of(CONSUMERS), Arbitraries.integers().between(1, 5),
                Arbitraries.integers().between(1, 5), Arbitraries.longs().between(10, 70), Arbitraries.of(0L, 20L))
                .as((consumer, members, min, gb, timeout) -> new Gang(consumer, members, Math.min(min, members), gb, timeout));
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        final Arbitrary<String> unit = Arbitraries.of(TaskWorld.UNITS);
        final Arbitrary<Integer> task = Arbitraries.integers().between(0, 5 * TaskCluster.PARTITIONS - 1);
        final Arbitrary<Step> register = Combinators.combine(unit, Arbitraries.longs().between(10, 200),
                Arbitraries.integers().between(10, 300)).as(Register::new);
        final Arbitrary<Step> change = Combinators.combine(unit, Arbitraries.of(DataUnitState.MAINTENANCE,
                DataUnitState.MAINTENANCE, DataUnitState.AVAILABLE, DataUnitState.DECOMMISSIONING)).as(ChangeState::new);
        final Arbitrary<Step> heartbeat = Combinators.combine(unit, Arbitraries.of(true, true, true, false)).as(Heartbeat::new);
        final Arbitrary<Step> place = Combinators.combine(Arbitraries.of(CONSUMERS), Arbitraries.longs().between(1, 120),
                Arbitraries.of(0L, 0L, 30L, 600L), Arbitraries.of(0, 0, 1, 2), Arbitraries.of(0, 0, 5, 10, 10),
                Arbitraries.of(0L, 0L, 20L, 120L)).as(Place::new);
        final Arbitrary<Step> duplicate = Arbitraries.integers().between(0, 1000).map(Duplicate::new);
        final Arbitrary<Step> release = Arbitraries.integers().between(0, 1000).map(Release::new);
        final Arbitrary<Step> confirm = Combinators.combine(Arbitraries.integers().between(0, 1000),
                Arbitraries.of(true, false)).as(Confirm::new);
        final Arbitrary<Step> fail = Arbitraries.integers().between(0, 1000).map(Fail::new);
        final Arbitrary<Step> tick = Combinators.combine(Arbitraries.integers().between(1, 40),
                Arbitraries.of(true, true, true, false)).as(Tick::new);
        final Arbitrary<Step> run = Combinators.combine(task, Arbitraries.integers().between(1, 6)).as(Run::new);
        final Arbitrary<Step> commit = task.map(Commit::new);
        final Arbitrary<Step> crash = task.map(Crash::new);
        final Arbitrary<Step> limit = Arbitraries.integers().between(0, 3).map(LimitC4::new);
        final Arbitrary<Step> settle = Arbitraries.just(new Settle());
        return Arbitraries.frequencyOf(
                Tuple.of(1, register), Tuple.of(3, change), Tuple.of(1, heartbeat), Tuple.of(8, place), Tuple.of(2, gang()),
                Tuple.of(1, duplicate),
                Tuple.of(2, release), Tuple.of(8, confirm), Tuple.of(1, fail), Tuple.of(2, tick), Tuple.of(14, run),
                Tuple.of(6, commit), Tuple.of(2, crash), Tuple.of(1, limit), Tuple.of(4, settle)).list();
    }
}
