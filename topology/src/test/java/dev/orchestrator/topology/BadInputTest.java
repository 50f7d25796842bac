package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.DataUnitState;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.avro.Quantity;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.avro.ResourceSpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad record gets a precise answer, a dead letter where it applies, and the stream goes on. */
class BadInputTest {
    private final EngineHarness engine = new EngineHarness();

    @AfterEach
    void close() {
        engine.close();
    }

    static List<Arguments> invalidDemands() {
        return List.of(
                Arguments.of("negative capacity", (Consumer<Demand.Builder>) d -> d.setResources(
                        ResourceSpec.newBuilder().setStorage(new Quantity("-5", "GB")).build()), "resources.storage.amount"),
                Arguments.of("unknown unit", (Consumer<Demand.Builder>) d -> d.setResources(
                        ResourceSpec.newBuilder().setStorage(new Quantity("5", "parsecs")).build()), "resources.storage.unit"),
                Arguments.of("oversized", (Consumer<Demand.Builder>) d -> d.setResources(
                        ResourceSpec.newBuilder().setStorage(new Quantity("99999999", "PiB")).build()), "resources.storage.amount"),
                Arguments.of("nothing asked", (Consumer<Demand.Builder>) d -> d.setResources(null), "resources"),
                Arguments.of("region not a name", (Consumer<Demand.Builder>) d -> d.setRegions(List.of("?")), "regions[0]"),
                Arguments.of("zero duration", (Consumer<Demand.Builder>) d -> d.setDurationMillis(0L), "durationMillis"),
                Arguments.of("too many workload labels", (Consumer<Demand.Builder>) d -> d.setLabels(workloadLabels(9, 10)), "labels"),
                Arguments.of("a huge workload label", (Consumer<Demand.Builder>) d -> d.setLabels(workloadLabels(1, 5_000)), "labels"),
                Arguments.of("an image that is YAML", (Consumer<Demand.Builder>) d -> d.setLabels(Map.of("workload.image",
                        "nginx\nkind: Secret")), "labels.workload.image"),
                Arguments.of("an environment carrying a line break into the spec", (Consumer<Demand.Builder>) d -> d.setLabels(
                        Map.of("workload.image", "nginx", "workload.env", "A=x%0Akind%3A+Secret")), "labels.workload.env"),
                Arguments.of("a port out of range", (Consumer<Demand.Builder>) d -> d.setLabels(Map.of("workload.image", "nginx",
                        "workload.ports", "80,70000")), "labels.workload.ports"),
                Arguments.of("a model with quotes", (Consumer<Demand.Builder>) d -> d.setLabels(Map.of("workload.image", "nginx",
                        "workload.model", "m' && run")), "labels.workload.model"));
    }

    private static Map<String, String> workloadLabels(final int count, final int length) {
        final Map<String, String> labels = new java.util.HashMap<>();
        for (int i = 0; i < count; i++) {
            labels.put("workload.x" + i, "v".repeat(length));
        }
        return labels;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidDemands")
    void rejectsAnInvalidDemandWithTheFieldAndDeadLettersIt(final String name, final Consumer<Demand.Builder> change,
                                                            final String field) {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("bad", "c1", 1, change).place("good", "c1", 1);

        assertThat(engine.last("bad").getStatus()).isEqualTo(AllocationStatus.REJECTED);
        assertThat(engine.last("bad").getReason()).isEqualTo(ReasonCode.INVALID_INPUT);
        assertThat(engine.last("bad").getReasonDetail()).startsWith(field + ":");
        assertThat(engine.deadLetters).singleElement().satisfies(r -> {
            assertThat(header(r, "orchestrator.error.field")).isEqualTo(field);
            assertThat(header(r, "orchestrator.error.reason")).isEqualTo("INVALID_INPUT");
        });
        assertThat(engine.last("good").getStatus()).isEqualTo(AllocationStatus.PLACED);
    }

    @Test
    void deadLettersUndecodableBytesWithWhereTheyCameFromAndGoesOn() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00")
                .rawDemand("junk", "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8))
                .rawDemand("unknown-id", new byte[] {0, 0, 0, 0, 99, 1, 2})
                .place("good", "c1", 1);

        assertThat(engine.deadLetters).hasSize(2).allSatisfy(r -> {
            assertThat(header(r, "orchestrator.error.reason")).isEqualTo("INVALID_INPUT");
            assertThat(header(r, "orchestrator.error.message")).startsWith("cannot decode: ");
            assertThat(header(r, "orchestrator.error.topic")).isEqualTo("demand.v1");
            assertThat(header(r, "orchestrator.error.offset")).isNotEmpty();
        });
        assertThat(engine.allocations).extracting(a -> a.getDemandId()).containsExactly("good");
    }

    @Test
    void refusesADemandKeyedByAnythingButItsIdWithoutDecidingEither() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("victim", "c1", 1, d -> d.setDemandId("victim"));
        engine.place("d1", "c1", 1, d -> d.setDemandId("victim")).place("d2", "c1", 1);

        // the forged record neither rejects the victim's demand nor is decided as d1
        assertThat(engine.allocations).extracting(a -> a.getDemandId()).containsExactly("victim", "d2");
        assertThat(engine.last("victim").getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(engine.deadLetters).singleElement().satisfies(r -> {
            assertThat(header(r, "orchestrator.error.field")).isEqualTo("key");
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("d1");
        });
    }

    @Test
    void refusesAnIllegalLifecycleChangeAuditsItAndDeadLettersIt() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00")
                .changeState("u1", DataUnitState.IN_USE)
                .changeState("ghost", DataUnitState.MAINTENANCE);

        assertThat(engine.audit).filteredOn(a -> a.getAction().equals("TRANSITION_REFUSED")).singleElement()
                .satisfies(a -> assertThat(a.getCause()).contains("set by the capacity ledger"));
        assertThat(engine.deadLetters).extracting(r -> header(r, "orchestrator.error.reason"))
                .containsExactly("ILLEGAL_TRANSITION", "UNIT_NOT_FOUND");
    }

    @Test
    void refusesAnInvalidRegistrationAndTelemetryForUnknownUnits() {
        engine.register("u1", "p1", "eu-west-1", 100, "-1.00")
                .register("u2", "p1", "eu-west-1", 100, "1.00", e -> e.setAdvertisedAvailability(2.0))
                .heartbeat("nobody", 5.0, true);

        assertThat(engine.deadLetters).extracting(r -> header(r, "orchestrator.error.field"))
                .containsExactly("pricePerHour.amount", "advertisedAvailability", "dataUnitId");
        assertThat(engine.unit("u1")).isNull();
    }

    @Test
    void aDemandsWorkloadLabelsAndOnlyThoseGoWithItsCommandsAlsoWhenItIsPlacedAgain() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").register("u2", "p2", "eu-west-1", 100, "2.00")
                .place("d1", "c1", 10, d -> d.setLabels(Map.of("workload.image", "ollama/ollama:0.3.12", "workload.ports", "11434",
                        "team", "search")));

        final Map<String, String> workload = Map.of("workload.image", "ollama/ollama:0.3.12", "workload.ports", "11434");
        assertThat(engine.commands.get(0).getLabels()).isEqualTo(workload);
        engine.outcome(engine.commands.get(0), dev.orchestrator.avro.OutcomeStatus.FAILED);
        assertThat(engine.commands.get(engine.commands.size() - 1).getDataUnitId()).isEqualTo("u2");
        assertThat(engine.commands.get(engine.commands.size() - 1).getLabels()).as("placed again elsewhere").isEqualTo(workload);
        engine.place("d2", "c1", 1);
        assertThat(engine.commands.get(engine.commands.size() - 1).getLabels()).as("a bare placement").isEmpty();
    }

    @Test
    void refusesAnInvalidPolicyAndKeepsTheOldOne() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00")
                .policy(Policy.newBuilder().setConsumerId("c1").setMaxUnits(1).setUpdatedAt(Instant.EPOCH).build())
                .policy(Policy.newBuilder().setConsumerId("c1").setWeights(Map.of("vibes", 1.0)).setUpdatedAt(Instant.EPOCH).build())
                .place("d1", "c1", 1).place("d2", "c1", 1);

        assertThat(engine.deadLetters).singleElement()
                .satisfies(r -> assertThat(header(r, "orchestrator.error.field")).isEqualTo("weights.vibes"));
        assertThat(engine.last("d2").getReason()).isEqualTo(ReasonCode.QUOTA_EXCEEDED);
    }

    @Test
    void refusesAPolicyWithAPriorityWaitOrDisruptionBudgetOutOfRangeNamingTheField() {
        engine.policy(Policy.newBuilder().setConsumerId("c1").setPriority(5_000).setUpdatedAt(Instant.EPOCH).build())
                .policy(Policy.newBuilder().setConsumerId("c2").setMaxWaitSeconds(-1L).setUpdatedAt(Instant.EPOCH).build())
                .policy(Policy.newBuilder().setConsumerId("c3").setMaxWaitSeconds(Long.MAX_VALUE).setUpdatedAt(Instant.EPOCH).build())
                .policy(Policy.newBuilder().setConsumerId("c4").setDisruptionBudgetPercent(101).setUpdatedAt(Instant.EPOCH).build())
                .policy(Policy.newBuilder().setConsumerId("c5").setPriority(Integer.MIN_VALUE).setUpdatedAt(Instant.EPOCH).build());
        assertThat(engine.deadLetters).extracting(r -> header(r, "orchestrator.error.field"))
                .containsExactly("priority", "maxWaitSeconds", "maxWaitSeconds", "disruptionBudgetPercent", "priority");
        // the stream goes on: a valid policy after them applies
        engine.register("u1", "p1", "eu-west-1", 100, "1.00")
                .policy(Policy.newBuilder().setConsumerId("c1").setMaxUnits(1).setUpdatedAt(Instant.EPOCH).build())
                .place("d1", "c1", 1).place("d2", "c1", 1);
        assertThat(engine.last("d2").getReason()).isEqualTo(ReasonCode.QUOTA_EXCEEDED);
    }

    private static String header(final TestRecord<byte[], byte[]> record, final String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
