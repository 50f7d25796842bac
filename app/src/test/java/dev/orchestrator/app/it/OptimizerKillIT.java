package dev.orchestrator.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.app.chaos.ChaosLoad;
import dev.orchestrator.app.chaos.Processes;
import dev.orchestrator.app.kafka.TopicWriter;
import dev.orchestrator.app.verify.VerifyReport;
import dev.orchestrator.app.verify.Verifier;
import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.DataUnitEventType;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.avro.Quantity;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.avro.ResourceSpec;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.testing.TestKafka;
import dev.orchestrator.topology.routing.Partitions;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: an engine process killed with SIGKILL while the background optimizer's moves are under way. In each of
 * eight regions a release leaves room in pieces (40 GB on the cheap unit, 70 GB on the dear one), so an 80 GB demand
 * is turned away; the optimizer moves the 30 GB allocation from the dear unit to the cheap one, make-before-break.
 * The engine is killed as soon as the first MIGRATE command is out; after its restart every move completes once,
 * an 80 GB demand then fits in every region, and {@code verify} passes on the committed output.
 */
class OptimizerKillIT {
    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();
    private static final int REGIONS = 8;
    private static final int PARTITIONS = 2;

    @TempDir
    Path dir;

    /** Every decision and change on allocations.v1, the last per demand. */
    private static final class Allocations implements AutoCloseable {
        final Map<String, AllocationResult> last = new ConcurrentHashMap<>();
        final List<AllocationResult> all = new ArrayList<>();
        private final Topics topics;
        private final KafkaConsumer<String, byte[]> consumer;

        Allocations(final String bootstrap, final Topics topics) {
            this.topics = topics;
            this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "optimizer-kill-reader", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(topics.allocations.name()));
        }

        void await(final String what, final Predicate<Allocations> done) {
            final long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!done.test(this)) {
                assertThat(System.nanoTime()).as("waited 120 s for " + what + "; last: " + last).isLessThan(deadline);
                for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    final AllocationResult result = topics.allocations.valueSerde().deserializer().deserialize(record.topic(),
                            record.value());
                    all.add(result);
                    last.put(result.getDemandId(), result);
                }
            }
        }

        boolean is(final String demandId, final AllocationStatus status) {
            return last.containsKey(demandId) && last.get(demandId).getStatus() == status;
        }

        String unit(final String demandId) {
            return last.containsKey(demandId) ? last.get(demandId).getDataUnitId() : null;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    @Test
    void movesKilledMidwayCompleteOnceAfterTheRestartAndVerifyPasses() throws Exception {
        final Topics topics = ChaosLoad.topics();
        final Processes processes = new Processes(dir);
        final List<String> settings = List.of("application.id=optimizer-kill", "topic.partitions=" + PARTITIONS,
                // rounds every 3 s remember what was turned away for 30 s, across the restart below (a red CI run: some
                // regions' moves were never planned; a round stops planning after 20 ms, a cold one here took 15-28 ms,
                // and the restarted engine then forgot the demand the next round would have planned for)
                "engine.optimizer.enabled=true", "engine.optimizer.interval.ms=3000", "engine.optimizer.disruption.percent=100",
                "engine.migrations.per.provider=1", "pricing.curve=flat",
                // the units send no heartbeats: they must stay healthy however slow the machine (a red CI run: past
                // the default 30 s they went silent, their allocations migrated and the last demands found no unit)
                "engine.heartbeat.limit.ms=600000",
                // a static member, as README advises: the restarted engine takes its partitions back at once instead
                // of waiting out the killed one's session (45 s)
                "kafka.main.consumer.group.instance.id=optimizer-kill-engine");
        Process engine = processes.engine("engine", KAFKA.bootstrapServers(), settings);
        final Names names = new Names();
        try (TopicWriter writer = new TopicWriter(KAFKA.bootstrapServers(), Map.of());
             // provisions at once, moves slowly: the kill lands mid-move
             DelayedExecutor executor = new DelayedExecutor(KAFKA.bootstrapServers(), topics, "slow-mover",
                     Map.of(CommandType.PROVISION, Duration.ofMillis(100), CommandType.MIGRATE, Duration.ofSeconds(3)));
             Allocations allocations = new Allocations(KAFKA.bootstrapServers(), topics)) {
            processes.awaitLog("engine", "-> RUNNING", Duration.ofSeconds(90));
            for (int r = 0; r < REGIONS; r++) {
                // the consumers weigh price alone, so the cheap unit is filled first
                writer.send(topics.policy, "c" + r, Policy.newBuilder().setConsumerId("c" + r).setMaxUnits(1_000)
                        .setWeights(Map.of("price", 1.0, "latency", 0.0, "reliability", 0.0, "packing", 0.0))
                        .setUpdatedAt(Instant.now()).build());
                register(writer, topics, names.cheap(r), "region-" + r, "1.00");
                register(writer, topics, names.dear(r), "region-" + r, "1.10");
            }
            writer.flush();
            Thread.sleep(2_000); // the units and policies are in before the demands
            place(writer, topics, names, 1, 60);
            allocations.await("d1", a -> names.all(1).allMatch(d -> a.is(d, AllocationStatus.ACTIVE)));
            place(writer, topics, names, 2, 40);
            allocations.await("d2", a -> names.all(2).allMatch(d -> a.is(d, AllocationStatus.ACTIVE)));
            place(writer, topics, names, 3, 30);
            allocations.await("d3", a -> names.all(3).allMatch(d -> a.is(d, AllocationStatus.ACTIVE)));
            for (int r = 0; r < REGIONS; r++) {
                assertThat(allocations.unit(names.demand(r, 3))).as("30 GB goes to the dear unit: the cheap one is full")
                        .isEqualTo(names.dear(r));
                final String release = names.demand(r, 2) + "-release";
                writer.send(topics.demand, release, Demand.newBuilder().setDemandId(release).setConsumerId("c" + r)
                        .setType(DemandType.RELEASE).setReleaseOf(names.demand(r, 2)).setRequestedAt(Instant.now()).build());
            }
            writer.flush();
            allocations.await("releases", a -> names.all(2).allMatch(d -> a.is(d, AllocationStatus.RELEASED)));
            // 40 GB free on the cheap unit, 70 on the dear one: 80 GB fits nowhere
            place(writer, topics, names, 4, 80);
            allocations.await("d4", a -> names.all(4).allMatch(d -> a.is(d, AllocationStatus.REJECTED)));
            assertThat(names.all(4).map(d -> allocations.last.get(d).getReason())).containsOnly(ReasonCode.NO_CAPACITY);

            final long waitFrom = System.nanoTime();
            while (executor.byAllocation(CommandType.MIGRATE).isEmpty()) {
                assertThat(System.nanoTime() - waitFrom).as("no optimizer move within 60 s")
                        .isLessThan(Duration.ofSeconds(60).toNanos());
                Thread.sleep(20);
            }
            Processes.kill(engine);
            final int movesAtKill = executor.byAllocation(CommandType.MIGRATE).size();

            final long killedAt = System.nanoTime();
            engine = processes.engine("engine", KAFKA.bootstrapServers(), settings);
            processes.awaitLog("engine", "-> RUNNING", 2, Duration.ofSeconds(120));
            final long restartMillis = (System.nanoTime() - killedAt) / 1_000_000;
            // every planned move completes: the 30 GB allocation ends on the cheap unit, active
            allocations.await("the moves", a -> names.all(3).allMatch(d -> a.is(d, AllocationStatus.ACTIVE)
                    && names.cheapOf(d).equals(a.unit(d))));
            place(writer, topics, names, 5, 80);
            allocations.await("d5", a -> names.all(5).allMatch(d -> a.is(d, AllocationStatus.PLACED)
                    || a.is(d, AllocationStatus.ACTIVE)));
            for (int r = 0; r < REGIONS; r++) {
                assertThat(allocations.unit(names.demand(r, 5))).isEqualTo(names.dear(r));
            }
            // each move once: one MIGRATE command per moved allocation, each sent to the executor once
            assertThat(executor.byAllocation(CommandType.MIGRATE)).hasSize(REGIONS);
            assertThat(executor.byAllocation(CommandType.MIGRATE)).allSatisfy((allocation, commands) -> assertThat(commands).hasSize(1));
            assertThat(executor.callsPerCommand).allSatisfy((command, calls) -> assertThat(calls).as(command).isEqualTo(1));
            // why it moved is on the record of the move
            assertThat(allocations.all.stream().filter(a -> a.getStatus() == AllocationStatus.MIGRATING).toList())
                    .hasSize(REGIONS).allSatisfy(a -> assertThat(a.getReasonDetail()).contains("make room on")
                            .contains("gain 2.67x"));
            final VerifyReport report = new Verifier(topics, KAFKA.bootstrapServers(), Map.of(), 0)
                    .forApplication("optimizer-kill").verify();
            assertThat(report.violations()).isEmpty();
            System.out.printf("optimizer moves after SIGKILL: %d MIGRATE commands out at the kill, running again after %d ms,"
                    + " %d moves done, verify passed%n", movesAtKill, restartMillis, executor.byAllocation(CommandType.MIGRATE).size());
        } finally {
            // the rounds before and after the kill: what each turned-away demand got, when a wait above runs out
            Files.readAllLines(dir.resolve("engine.log")).stream().filter(l -> l.contains("optimizer round"))
                    .forEach(System.out::println);
            engine.destroy();
            assertThat(engine.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static void place(final TopicWriter writer, final Topics topics, final Names names, final int n, final int gb) {
        for (int r = 0; r < REGIONS; r++) {
            final String id = names.demand(r, n);
            writer.send(topics.demand, id, Demand.newBuilder().setDemandId(id).setConsumerId("c" + r).setType(DemandType.PLACE)
                    .setKind(ResourceKind.STORAGE).setRegions(List.of("region-" + r))
                    .setResources(ResourceSpec.newBuilder().setStorage(new Quantity(String.valueOf(gb), "GB")).build())
                    .setRequestedAt(Instant.now()).build());
        }
        writer.flush();
    }

    private static void register(final TopicWriter writer, final Topics topics, final String id, final String region,
                                 final String price) {
        writer.send(topics.dataUnit, id, DataUnitEvent.newBuilder().setEventId("register-" + id).setDataUnitId(id)
                .setProviderId("p-" + id).setType(DataUnitEventType.REGISTER).setKind(ResourceKind.STORAGE).setRegion(region)
                .setCapacity(ResourceSpec.newBuilder().setStorage(new Quantity("100", "GB")).build())
                .setPricePerHour(new Money(new BigDecimal(price), "USD")).setAdvertisedLatencyMillis(10.0)
                .setAdvertisedAvailability(0.999).setAt(Instant.now()).build());
    }

    /**
     * Ids whose keys all land on partition 0, so each region's units and demands belong to one task (the optimizer
     * moves allocations between the units of its own task, and a demand turned away there is what it plans for).
     */
    private static final class Names {
        private final Map<String, String> ids = new ConcurrentHashMap<>();

        String cheap(final int region) {
            return id("cheap-" + region);
        }

        String dear(final int region) {
            return id("dear-" + region);
        }

        String demand(final int region, final int n) {
            return id("r" + region + "-d" + n);
        }

        java.util.stream.Stream<String> all(final int n) {
            return java.util.stream.IntStream.range(0, REGIONS).mapToObj(r -> demand(r, n));
        }

        String cheapOf(final String demandId) {
            for (int r = 0; r < REGIONS; r++) {
                if (demand(r, 3).equals(demandId)) {
                    return cheap(r);
                }
            }
            throw new IllegalArgumentException(demandId);
        }

        private String id(final String base) {
            return ids.computeIfAbsent(base, b -> {
                for (int i = 0; ; i++) {
                    final String candidate = b + "-" + i;
                    if (Partitions.of(candidate, PARTITIONS) == 0) {
                        return candidate;
                    }
                }
            });
        }
    }
}
