package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.Capacity;
import dev.orchestrator.avro.ExecutionOutcome;
import dev.orchestrator.avro.OutcomeStatus;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.avro.Quantity;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.avro.ResourceSpec;
import dev.orchestrator.avro.Sla;
import dev.orchestrator.avro.Telemetry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Records crafted to stop, confuse or overflow the engine: each is refused precisely and the stream goes on. */
class HostileInputTest {
    private final EngineHarness engine = new EngineHarness();

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void randomBytesOnTheSlaAndRouteTopicsLeaveTheEngineRunning() {
        final byte[] garbage = new byte[64];
        new Random(7).nextBytes(garbage);
        engine.driver.createInputTopic(engine.topics.sla.name(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput("sla-x", garbage);
        engine.driver.createInputTopic(engine.topics.route.name(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput("u9", garbage);

        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("d1", "c1", 1);

        assertThat(engine.last("d1").getStatus()).isEqualTo(AllocationStatus.PLACED);
    }

    @Test
    void aCraftedPlannedMoveNamingNoUnitIsDeadLetteredAndTheEngineGoesOn() throws Exception {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("d1", "c1", 10).confirmAll();
        final com.fasterxml.jackson.databind.ObjectMapper smile = new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.smile.SmileFactory());
        for (final Object target : new Object[] {null, ""}) {
            final java.util.Map<String, Object> planned = new java.util.HashMap<>();
            planned.put("targetUnitId", target);
            planned.put("why", null);
            final java.util.Map<String, Object> start = new java.util.HashMap<>(java.util.Map.of("t", "migration-start",
                    "providerId", "p1", "allocationId", "d1", "sourceUnitId", "u1", "reason", "DEFRAGMENT"));
            start.put("planned", planned);
            engine.driver.createInputTopic(engine.topics.route.name(), new StringSerializer(), new ByteArraySerializer())
                    .pipeInput("d1", smile.writeValueAsBytes(java.util.Map.of("to", 0, "from", 0, "message", start)));
        }
        engine.drain();

        assertThat(engine.deadLetters).hasSize(2);
        assertThat(engine.commands).extracting(PlacementCommand::getType).doesNotContain(dev.orchestrator.avro.CommandType.MIGRATE);
        engine.place("d2", "c1", 10);
        assertThat(engine.last("d2").getStatus()).isEqualTo(AllocationStatus.PLACED);
    }

    @Test
    void refusesNonFiniteLatencyInsteadOfPoisoningScores() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").register("u2", "p1", "eu-west-1", 100, "1.00")
                .heartbeat("u1", Double.POSITIVE_INFINITY, true).heartbeat("u2", Double.NaN, true)
                .place("d1", "c1", 1);

        assertThat(engine.deadLetters).extracting(r -> header(r, "orchestrator.error.field"))
                .containsExactly("latencyMillis", "latencyMillis");
        assertThat(engine.deadLetters).extracting(r -> header(r, "orchestrator.error.message"))
                .allSatisfy(m -> assertThat(m).startsWith("latencyMillis: must be a finite number from 0 to 3600000 ms"));
        assertThat(engine.last("d1").getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(engine.unit("u1").health().ewmaLatencyMillis()).isFinite();
    }

    @Test
    void refusesTelemetryFromAnotherProviderAndNegativeUsedCapacity() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00");
        pipeTelemetry("u1", "p2", null);
        pipeTelemetry("u1", "p1", new Capacity(0L, 0L, -5L, 0, null));

        assertThat(engine.deadLetters).extracting(r -> header(r, "orchestrator.error.field"))
                .containsExactly("providerId", "usedCapacity");
        assertThat(header(engine.deadLetters.get(0), "orchestrator.error.message"))
                .isEqualTo("providerId: unit u1 belongs to provider p1, not p2");
    }

    @Test
    void refusesAnOutcomeForACommandThatWasNeverIssued() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("d1", "c1", 1);
        final PlacementCommand issued = engine.commands.get(0);
        engine.input(engine.topics.outcomes).pipeInput("forged", ExecutionOutcome.newBuilder().setCommandId("forged")
                .setAllocationId(issued.getAllocationId()).setDataUnitId("u1").setStatus(OutcomeStatus.FAILED)
                .setErrorCode("X").setAt(engine.now()).build());
        engine.drain();

        assertThat(engine.deadLetters).singleElement().satisfies(r -> {
            assertThat(header(r, "orchestrator.error.field")).isEqualTo("commandId");
            assertThat(header(r, "orchestrator.error.message")).contains("is not the one that made");
        });
        // the real allocation is untouched: still reserved on u1, not failed and re-placed
        assertThat(engine.unit("u1").reservations()).containsKey(issued.getAllocationId());
        assertThat(engine.resultsFor("d1")).hasSize(1);
    }

    @Test
    void hugeUnitsAndDemandsNeverOverflowCapacitySums() {
        // 1024 PiB is the per-unit maximum; eight of them add up past Long.MAX_VALUE
        for (int u = 0; u < 10; u++) {
            engine.register("u" + u, "p1", "eu-west-1", 1, "1.00", e -> e.setCapacity(ResourceSpec.newBuilder()
                    .setStorage(new Quantity("1024", "PiB")).build()));
        }
        for (int d = 0; d < 10; d++) {
            engine.place("d" + d, "c1", 1, b -> b.setResources(ResourceSpec.newBuilder()
                    .setStorage(new Quantity("1024", "PiB")).build()));
        }

        assertThat(engine.allocations).hasSize(10).allSatisfy(a -> assertThat(a.getStatus()).isEqualTo(AllocationStatus.PLACED));
        assertThat(engine.deadLetters).isEmpty();
    }

    @Test
    void steadyLatencyExactlyAtTheSlaDoesNotBreachIt() {
        engine.sla(Sla.newBuilder().setSlaId("s23").setMaxLatencyMillis(23.0).setMinAvailability(0.0)
                        .setWindowMillis(60_000L).setPenaltyPercent(0).setUpdatedAt(Instant.EPOCH).build())
                .register("u1", "p1", "eu-west-1", 100, "1.00", e -> e.setAdvertisedLatencyMillis(23.0))
                .place("d1", "c1", 1, d -> d.setSlaId("s23")).confirmAll();
        for (int i = 0; i < 50; i++) {
            engine.heartbeat("u1", 23.0, true);
        }

        assertThat(engine.unit("u1").health().ewmaLatencyMillis()).isEqualTo(23.0);
        assertThat(engine.audit).noneMatch(a -> a.getAction().equals("SLA_BREACHED"));
        assertThat(engine.last("d1").getReason()).isNotEqualTo(ReasonCode.SLA_BREACH);
    }

    private void pipeTelemetry(final String unit, final String provider, final Capacity used) {
        engine.input(engine.topics.telemetry).pipeInput(unit, Telemetry.newBuilder().setDataUnitId(unit)
                .setProviderId(provider).setObservedAt(engine.now()).setLatencyMillis(5.0).setAvailable(true)
                .setUsedCapacity(used).build());
        engine.drain();
    }

    private static String header(final TestRecord<byte[], byte[]> record, final String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
