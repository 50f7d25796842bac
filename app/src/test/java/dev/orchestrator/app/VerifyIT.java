package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.app.config.ConfigLoader;
import dev.orchestrator.app.verify.Verifier;
import dev.orchestrator.app.verify.VerifyReport;
import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.AuditEvent;
import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.DataUnitEventType;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.EntityType;
import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.Quantity;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.avro.ResourceSpec;
import dev.orchestrator.schemas.Topic;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.testing.TestKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The verifier passes what the engine committed and catches what a hand wrote wrong. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VerifyIT {
    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();
    private static final int DEMANDS = 300;

    @TempDir
    static Path dir;

    private static Topics topics;

    @Test
    @Order(1)
    void passesWhatTheEngineCommitted() throws Exception {
        try (Instance engine = Instance.start(ConfigLoader.load(Optional.empty(), Map.of(), Map.of(
                "bootstrap.servers", KAFKA.bootstrapServers(), "http.port", "0", "http.host", "127.0.0.1",
                "state.dir", dir.resolve("a").toString()), ConfigLoader.Mode.RUN))) {
            topics = engine.topics();
            assertThat(InstanceIT.awaitReady(engine.httpPort(), Duration.ofSeconds(60))).isEqualTo(200);
            for (int u = 0; u < 3; u++) {
                send(topics.dataUnit, "u" + u, DataUnitEvent.newBuilder().setEventId("e" + u).setDataUnitId("u" + u)
                        .setProviderId("p").setType(DataUnitEventType.REGISTER).setKind(ResourceKind.STORAGE)
                        .setRegion("eu-west-1").setCapacity(ResourceSpec.newBuilder().setStorage(new Quantity("100", "GB")).build())
                        .setPricePerHour(new Money(BigDecimal.ONE, "USD")).setAt(Instant.now()).build());
            }
            // compute: one node per GPU model and a CPU node, of equal price, so only the model decides
            registerCompute("n-a100", 8, "a100");
            registerCompute("n-l4", 8, "l4");
            registerCompute("n-cpu", 0, null);
            Thread.sleep(2_000);
            for (int d = 0; d < DEMANDS; d++) {
                send(topics.demand, "d" + d, demand("d" + d, d % 50 == 0 ? "-1" : "2"));
            }
            for (final String[] ask : COMPUTE_ASKS) {
                send(topics.demand, ask[0], computeDemand(ask[0], Integer.parseInt(ask[1]), ask[2]));
            }
            send(topics.demand, "d1", demand("d1", "2"));
            send(topics.demand, "r1", Demand.newBuilder().setDemandId("r1").setConsumerId("c1").setType(DemandType.RELEASE)
                    .setReleaseOf("d1").setRequestedAt(Instant.now()).build());
            KAFKA.readCommittedUntil(topics.allocations.name(), new StringDeserializer(), new ByteArrayDeserializer(),
                    Duration.ofSeconds(60), records -> records.stream().map(r -> r.key()).distinct().count()
                            >= DEMANDS + 1 + COMPUTE_ASKS.size());
            Thread.sleep(1_000);

            final VerifyReport report = new Verifier(topics, KAFKA.bootstrapServers(), Map.of(), 0).forApplication("orchestrator").verify();

            assertThat(report.violations()).isEmpty();
            assertThat(report.demands()).isEqualTo(DEMANDS + 2 + COMPUTE_ASKS.size());
            assertThat(report.decisions()).isEqualTo(DEMANDS + 1 + COMPUTE_ASKS.size());
            assertThat(report.deadLetters()).isEqualTo(DEMANDS / 50 + 1);
            assertThat(report.notes()).contains("4 compute demands named a GPU model; each of their reservations was "
                    + "checked against the unit's model");
            final Map<String, String> placedOn = new java.util.HashMap<>();
            KAFKA.readCommittedUntil(topics.allocations.name(), new StringDeserializer(), new ByteArrayDeserializer(),
                    Duration.ofSeconds(2), r -> false).stream().filter(r -> r.key().startsWith("g-"))
                    .map(r -> topics.allocations.valueSerde().deserializer().deserialize(r.topic(), r.value()))
                    .filter(Verifier::isDecision)
                    .forEach(r -> placedOn.put(r.getDemandId(), r.getDataUnitId() != null ? r.getDataUnitId() : r.getReason().name()));
            // any model: whichever GPU node packing prefers when it is decided (demands of other partitions may come first)
            assertThat(placedOn.remove("g-any")).isIn("n-a100", "n-l4");
            assertThat(placedOn).containsExactlyInAnyOrderEntriesOf(Map.of("g-a100", "n-a100", "g-l4", "n-l4",
                    "g-cpu", "n-cpu", "g-h100", "NO_FEASIBLE_UNIT", "g-too-many", "NO_CAPACITY"));
        }
    }

    @Test
    @Order(2)
    void exitsOneOnAHandWrittenDuplicateDecisionAndOvercommit() throws Exception {
        send(topics.allocations, "d3", AllocationResult.newBuilder().setDemandId("d3").setConsumerId("c1")
                .setStatus(AllocationStatus.REJECTED).setReason(ReasonCode.NO_CAPACITY).setDecidedAt(Instant.now()).build());
        final List<AuditEvent> u0 = KAFKA.readCommittedUntil(topics.audit.name(), new StringDeserializer(),
                new ByteArrayDeserializer(), Duration.ofSeconds(4), r -> false).stream()
                .filter(r -> r.key().equals("u0"))
                .map(r -> topics.audit.valueSerde().deserializer().deserialize(r.topic(), r.value())).toList();
        final AuditEvent last = u0.get(u0.size() - 1);
        final String overcommitted = last.getAfter().replaceFirst("\"used\":\\{[^}]*\"storageBytes\":\\d+",
                "\"used\":{\"cpuMillis\":0,\"memoryBytes\":0,\"storageBytes\":250000000000");
        send(topics.audit, "u0", Outputs.audit(last.getSequence() + 1, last.getAfter(), overcommitted));

        // a consumer with a budget of 1.00/period holding two open-ended placements of 0.80/h at once
        send(topics.policy, "rich", dev.orchestrator.avro.Policy.newBuilder().setConsumerId("rich").setMaxUnits(100)
                .setBudget(new dev.orchestrator.avro.Money(new java.math.BigDecimal("1.000000"), "USD"))
                .setUpdatedAt(Instant.now()).build());
        for (final String id : List.of("b1", "b2")) {
            send(topics.allocations, id, AllocationResult.newBuilder().setDemandId(id).setConsumerId("rich")
                    .setStatus(AllocationStatus.PLACED).setReason(ReasonCode.NONE).setAllocationId(id).setDataUnitId("u1")
                    .setPricePerHour(new dev.orchestrator.avro.Money(new java.math.BigDecimal("0.800000"), "USD"))
                    .setDecidedAt(Instant.now()).build());
        }

        // a hand-written reservation of the a100 demand on the l4 node, as a wrong engine would make it
        send(topics.allocations, "g-a100", AllocationResult.newBuilder().setDemandId("g-a100").setConsumerId("gpu-team")
                .setStatus(AllocationStatus.ACTIVE).setReason(ReasonCode.NONE).setAllocationId("g-a100").setDataUnitId("n-l4")
                .setDecidedAt(Instant.now()).setUnitChanges(List.of(dev.orchestrator.avro.UnitChange.newBuilder()
                        .setDataUnitId("n-l4").setSequence(99).setAction("RESERVED")
                        .setStateBefore(dev.orchestrator.avro.DataUnitState.AVAILABLE).setHealthyBefore(true)
                        .setStateAfter(dev.orchestrator.avro.DataUnitState.RESERVED)
                        .setUsedBefore(dev.orchestrator.avro.Capacity.newBuilder().build())
                        .setUsedAfter(dev.orchestrator.avro.Capacity.newBuilder().setGpuCount(2).setGpuType("a100").build())
                        .setCapacity(dev.orchestrator.avro.Capacity.newBuilder().setGpuCount(8).setGpuType("l4").build())
                        .build())).build());

        final StringWriter err = new StringWriter();
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        final java.io.PrintStream saved = System.out;
        final int status;
        System.setOut(new java.io.PrintStream(out, true));
        try {
            status = Main.execute(new PrintWriter(err, true), "verify", "--bootstrap", KAFKA.bootstrapServers(), "--settle", "0",
                    "--set", "state.dir=" + dir.resolve("v"));
        } finally {
            System.setOut(saved);
        }
        final String printed = out.toString();

        assertThat(status).as(printed + err).isEqualTo(1);
        assertThat(printed).contains("[FAIL] 1 no overcommit", "[FAIL] 2 exactly one decision per demand")
                .contains("invariant 2 key=d3: 2 decisions")
                .contains("invariant 1 key=u0: overcommitted at audit sequence " + (last.getSequence() + 1))
                .contains("invariant 3 key=rich: held allocations costing 1600000 micros")
                .contains("invariant 1 key=n-l4: demand g-a100 wants GPU model a100 but was reserved on a unit of model l4 "
                        + "at audit sequence 99");
    }

    /** Compute demands: id, GPUs, GPU model ("" for any), and the unit or rejection each must get. */
    private static final List<String[]> COMPUTE_ASKS = List.of(new String[] {"g-a100", "2", "A100 "},
            new String[] {"g-l4", "1", "l4"}, new String[] {"g-any", "1", ""}, new String[] {"g-cpu", "0", ""},
            new String[] {"g-h100", "1", "h100"}, new String[] {"g-too-many", "9", "l4"});

    private static void registerCompute(final String id, final int gpus, final String model) throws Exception {
        send(topics.dataUnit, id, DataUnitEvent.newBuilder().setEventId("e-" + id).setDataUnitId(id).setProviderId("p")
                .setType(DataUnitEventType.REGISTER).setKind(ResourceKind.COMPUTE).setRegion("eu-west-1")
                .setCapacity(ResourceSpec.newBuilder().setCpu(new Quantity("32", "vcpu")).setMemory(new Quantity("128", "GiB"))
                        .setGpuCount(gpus).setGpuType(model).build())
                .setPricePerHour(new Money(BigDecimal.TEN, "USD")).setAt(Instant.now()).build());
    }

    private static Demand computeDemand(final String id, final int gpus, final String model) {
        return Demand.newBuilder().setDemandId(id).setConsumerId("gpu-team").setType(DemandType.PLACE)
                .setKind(ResourceKind.COMPUTE).setResources(ResourceSpec.newBuilder().setCpu(new Quantity("4", "vcpu"))
                        .setMemory(new Quantity("16", "GiB")).setGpuCount(gpus).setGpuType(model.isEmpty() ? null : model).build())
                .setRequestedAt(Instant.now()).build();
    }

    private static Demand demand(final String id, final String gb) {
        return Demand.newBuilder().setDemandId(id).setConsumerId("c" + id.hashCode() % 5).setType(DemandType.PLACE)
                .setKind(ResourceKind.STORAGE).setResources(ResourceSpec.newBuilder().setStorage(new Quantity(gb, "GB")).build())
                .setRequestedAt(Instant.now()).build();
    }

    private static <V> void send(final Topic<String, V> topic, final String key, final V value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KAFKA.clientConfig(), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), value)))
                    .get();
        }
    }

    /** A hand-written audit event for unit u0. */
    private static final class Outputs {
        static AuditEvent audit(final long sequence, final String before, final String after) {
            return AuditEvent.newBuilder().setEventId("hand-" + sequence).setEntityType(EntityType.DATA_UNIT)
                    .setEntityId("u0").setSequence(sequence).setAction("RESERVED").setBefore(before).setAfter(after)
                    .setAt(Instant.now()).build();
        }
    }
}
