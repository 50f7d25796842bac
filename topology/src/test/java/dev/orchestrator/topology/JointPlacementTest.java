package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.decide.DemandBatch;
import dev.orchestrator.topology.emit.Decisions;
import dev.orchestrator.topology.model.Queued;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Joint placement: demands arriving together are held up to the batch window, then placed largest first. */
class JointPlacementTest {
    private static final EngineSettings BATCHING = EngineSettings.defaults()
            .withScheduling(EngineSettings.defaults().scheduling().withBatchWindow(20));

    private EngineHarness engine = new EngineHarness(BATCHING);

    @AfterEach
    void close() {
        engine.close();
    }

    /**
     * u1 (100 GB, $1.00/h) is the cheaper per GB, u2 (50 GB, $0.60/h) the dearer: one by one the 50 GB demand that
     * arrives first takes u1 for $0.50/h and the 100 GB one after it fits nowhere; held together, the larger goes
     * first to u1 and the smaller to u2, and both are placed.
     */
    @Test
    void demandsArrivingTogetherArePlacedLargestFirstWhereOneByOneTheLargeOneFindsNoRoom() {
        engine.close();
        engine = new EngineHarness(EngineSettings.defaults());
        fleet(engine).place("small", "c1", 50).place("large", "c2", 100);
        assertThat(engine.last("small").getDataUnitId()).isEqualTo("u1");
        assertThat(engine.last("large").getReason()).isEqualTo(ReasonCode.NO_CAPACITY);
        engine.close();

        engine = new EngineHarness(BATCHING);
        fleet(engine).place("small", "c1", 50).place("large", "c2", 100);
        // held: nothing decided, both stored as held demands
        assertThat(engine.resultsFor("small")).isEmpty();
        assertThat(engine.resultsFor("large")).isEmpty();
        assertThat(engine.task().stores().demands().get("small")).isInstanceOf(Queued.class);
        // read meanwhile, a held demand is pending
        assertThat(dev.orchestrator.topology.read.EngineReads.lookupOf(engine.task().stores().demands().get("small")))
                .isInstanceOfSatisfying(dev.orchestrator.topology.read.DemandLookup.Here.class,
                        here -> assertThat(here.demand().status()).isEqualTo("PENDING"));

        engine.advance(Duration.ofMillis(20));
        assertThat(engine.last("large").getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(engine.last("large").getDataUnitId()).isEqualTo("u1");
        assertThat(engine.last("small").getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(engine.last("small").getDataUnitId()).isEqualTo("u2");
        assertThat(decisions("small") + decisions("large")).isEqualTo(2);
        engine.advance(Duration.ofSeconds(5));
        assertThat(engine.metrics).anySatisfy(m -> assertThat(m.getName()).isEqualTo(DemandBatch.BATCHED));
    }

    @Test
    void aHigherPriorityGoesFirstWhateverItsSizeAndEqualOnesKeepTheirArrivalOrder() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00");
        engine.place("big-low", "c1", 80).place("small-high", "c2", 40, d -> d.setPriority(5))
                .place("first", "c3", 10).place("second", "c3", 10).advance(Duration.ofMillis(20));

        assertThat(engine.last("small-high").getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(engine.last("big-low").getReason()).isEqualTo(ReasonCode.NO_CAPACITY);
        // decided in batch order: the 40 GB of priority 5, then the 80 GB (no room), then the two 10 GB as they came
        assertThat(engine.allocations.stream().filter(Decisions::isDecision).map(r -> r.getDemandId()).toList())
                .containsExactly("small-high", "big-low", "first", "second");
    }

    @Test
    void aFullBatchIsPlacedAtOnceWithoutWaitingForTheWindow() {
        engine.register("u1", "p1", "eu-west-1", 10_000, "1.00");
        for (int i = 0; i < dev.orchestrator.topology.schedule.SchedulingSettings.BATCH_LIMIT - 1; i++) {
            engine.place("x" + i, "c1", 1);
        }
        assertThat(engine.resultsFor("x0")).isEmpty();
        engine.place("last", "c1", 1);
        // no time passed: the limit alone placed them
        assertThat(engine.last("x0").getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(engine.last("last").getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(engine.task().stores().demands().get("x1")).isNotInstanceOf(Queued.class);
    }

    @Test
    void aReleaseOrAUnitEventPlacesTheHeldDemandsFirstAndADuplicateOfAHeldDemandIsRefused() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00");
        engine.place("a", "c1", 30).place("a", "c1", 30);
        assertThat(engine.deadLetters).hasSize(1);
        assertThat(engine.resultsFor("a")).isEmpty();

        engine.release("r", "c1", "a");
        assertThat(engine.allocationActions("a")).containsExactly("PLACED", "RELEASED");

        engine.place("b", "c1", 30);
        engine.register("u2", "p2", "eu-west-1", 100, "1.00");
        assertThat(engine.last("b").getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(decisions("a") + decisions("b")).isEqualTo(2);
    }

    @Test
    void heldDemandsOfAConsumerWithAQuotaAskItsLeaseAndAreDecidedOnce() {
        engine.policy(Policy.newBuilder().setConsumerId("q").setMaxUnits(2).setUpdatedAt(engine.now()).build());
        engine.register("u1", "p1", "eu-west-1", 100, "1.00");
        engine.place("q1", "q", 10).place("q2", "q", 10).place("q3", "q", 10).advance(Duration.ofMillis(20));

        assertThat(List.of("q1", "q2", "q3")).extracting(d -> engine.last(d).getStatus())
                .containsExactlyInAnyOrder(AllocationStatus.PLACED, AllocationStatus.PLACED, AllocationStatus.REJECTED);
        assertThat(List.of("q1", "q2", "q3")).allSatisfy(d -> assertThat(decisions(d)).isEqualTo(1));
    }

    /** Held demands are in the task's store: a crash after the commit that stored them places each once on restart. */
    @Test
    void demandsHeldWhenTheTaskCrashesArePlacedOnceAfterItsRestart() {
        final TaskCluster cluster = new TaskCluster(BATCHING);
        final TaskWorld world = new TaskWorld(cluster);
        world.start(List.of(new TaskWorld.Register("u1", 100, 100), new TaskWorld.Register("u2", 100, 100)));
        for (int i = 0; i < 6; i++) {
            world.apply(new TaskWorld.Place("c3", 10, 0, 0));
        }
        cluster.settle();
        final long held = cluster.tasks.stream().mapToLong(t -> t.committedStore(StoreNames.DEMANDS).values().stream()
                .filter(r -> r instanceof Queued).count()).sum();
        assertThat(held).as("committed while held").isEqualTo(6);
        cluster.tasks.forEach(TaskCluster.SimTask::crash);
        assertThat(cluster.tasks.stream().mapToInt(t -> t.engine().restoredQueue().size()).sum()).isEqualTo(6);

        cluster.advance(1_000);
        cluster.settle();
        final var decided = cluster.committed(cluster.topics.allocations).stream().filter(Decisions::isDecision).toList();
        assertThat(decided).extracting(r -> r.getDemandId())
                .containsExactlyInAnyOrderElementsOf(world.sent.stream().map(Demand::getDemandId).toList());
        assertThat(decided).allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(AllocationStatus.PLACED));
        world.check();
    }

    private static EngineHarness fleet(final EngineHarness harness) {
        return harness.register("u1", "p1", "eu-west-1", 100, "1.00").register("u2", "p2", "eu-west-1", 50, "0.60");
    }

    private long decisions(final String demand) {
        return engine.resultsFor(demand).stream().filter(Decisions::isDecision).count();
    }
}
