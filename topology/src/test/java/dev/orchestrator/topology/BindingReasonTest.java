package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.avro.Sla;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A rejection names the constraint that binds, and the candidate window never hides a unit that fits. */
class BindingReasonTest {
    private static final Sla FAST = Sla.newBuilder().setSlaId("fast").setMaxLatencyMillis(20.0).setMinAvailability(0.0)
            .setUpdatedAt(Instant.EPOCH).build();
    private EngineHarness engine;

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void theOnlyUnitMeetingTheSlaBeingFullIsNoCapacity() {
        engine = new EngineHarness().sla(FAST);
        for (int u = 0; u < 40; u++) {
            engine.register("slow-" + u, "p1", "eu-west-1", 100, "1.00", e -> e.setAdvertisedLatencyMillis(100.0));
        }
        engine.register("quick", "p2", "eu-west-1", 10, "1.00", e -> e.setAdvertisedLatencyMillis(5.0))
                .place("fill", "c1", 10, d -> d.setSlaId("fast"))
                .place("d1", "c1", 5, d -> d.setSlaId("fast"));

        assertThat(engine.last("fill").getDataUnitId()).isEqualTo("quick");
        assertThat(engine.last("d1").getStatus()).isEqualTo(AllocationStatus.REJECTED);
        assertThat(engine.last("d1").getReason()).isEqualTo(ReasonCode.NO_CAPACITY);
    }

    @Test
    void noUnitMeetingTheSlaAtAllIsSlaUnsatisfiable() {
        engine = new EngineHarness().sla(FAST)
                .register("slow-1", "p1", "eu-west-1", 100, "1.00", e -> e.setAdvertisedLatencyMillis(100.0))
                .register("slow-2", "p1", "eu-west-1", 1, "1.00", e -> e.setAdvertisedLatencyMillis(100.0))
                .place("d1", "c1", 5, d -> d.setSlaId("fast"));

        assertThat(engine.last("d1").getReason()).isEqualTo(ReasonCode.SLA_UNSATISFIABLE);
    }

    @Test
    void aFittingUnitPastTheCandidateWindowIsFound() {
        final EngineSettings d = EngineSettings.defaults();
        // a window of 2: the two tightest fits are slow, the unit meeting the SLA has the most room
        engine = new EngineHarness(new EngineSettings(d.confirmWithinMillis(), d.heartbeatLimitMillis(), d.maxAttempts(), 2,
                d.scanIntervalMillis(), d.migrationsPerProvider(), d.metricsIntervalMillis(), d.baseCurrency(),
                d.currencyRates(), d.regionAliases(), d.partitions(), d.spillMargin(), d.summaryIntervalMillis(), null, null, null, null)).sla(FAST)
                .register("slow-1", "p1", "eu-west-1", 10, "1.00", e -> e.setAdvertisedLatencyMillis(100.0))
                .register("slow-2", "p1", "eu-west-1", 11, "1.00", e -> e.setAdvertisedLatencyMillis(100.0))
                .register("quick", "p2", "eu-west-1", 1000, "1.00", e -> e.setAdvertisedLatencyMillis(5.0))
                .place("d1", "c1", 5, d2 -> d2.setSlaId("fast"));

        assertThat(engine.last("d1").getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(engine.last("d1").getDataUnitId()).isEqualTo("quick");
    }
}
