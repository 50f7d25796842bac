package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.Capacity;
import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.avro.ScoringStrategy;
import dev.orchestrator.avro.Sla;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PolicyTest {
    private final EngineHarness engine = new EngineHarness();

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void holdsTheUnitQuotaCountingPendingReservations() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00")
                .policy(policy("c1").setMaxUnits(2).build())
                .place("d1", "c1", 1).place("d2", "c1", 1).place("d3", "c1", 1);

        assertThat(engine.last("d3").getReason()).isEqualTo(ReasonCode.QUOTA_EXCEEDED);
        engine.release("r1", "c1", "d1").place("d4", "c1", 1);
        assertThat(engine.last("d4").getStatus()).isEqualTo(AllocationStatus.PLACED);
    }

    @Test
    void holdsTheCapacityQuota() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00")
                .policy(policy("c1").setMaxCapacity(new Capacity(0L, 0L, 15_000_000_000L, 0, null)).build())
                .place("d1", "c1", 10).place("d2", "c1", 10);

        assertThat(engine.last("d1").getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(engine.last("d2").getReason()).isEqualTo(ReasonCode.QUOTA_EXCEEDED);
    }

    @Test
    void holdsTheBudgetChargingAnHourUpFront() {
        // each 10 GB on a 100 GB unit at 1.00/h costs 0.10 for the hour held up front; 0.25 pays for two
        engine.register("u1", "p1", "eu-west-1", 100, "1.00")
                .policy(policy("c1").setBudget(new Money(new BigDecimal("0.25"), "USD")).build())
                .place("d1", "c1", 10).place("d2", "c1", 10).place("d3", "c1", 10);

        assertThat(engine.resultsFor("d2")).extracting(r -> r.getStatus()).containsExactly(AllocationStatus.PLACED);
        assertThat(engine.last("d3").getReason()).isEqualTo(ReasonCode.BUDGET_EXCEEDED);
    }

    @Test
    void keepsToAllowedRegionsAndAwayFromDeniedProviders() {
        engine.register("u-us", "p1", "us-east-1", 100, "0.10")
                .register("u-eu-denied", "bad", "eu-west-1", 100, "0.20")
                .register("u-eu", "good", "eu-west-1", 100, "0.90")
                .policy(policy("c1").setAllowedRegions(List.of("eu-west")).setDeniedProviders(List.of("bad")).build())
                .place("d1", "c1", 10);

        assertThat(engine.last("d1").getDataUnitId()).isEqualTo("u-eu");
    }

    @Test
    void rejectsAnUnknownSlaAndAUnitTooSlowForIt() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00")
                .sla(Sla.newBuilder().setSlaId("gold").setMaxLatencyMillis(5).setMinAvailability(0.9)
                        .setUpdatedAt(Instant.EPOCH).build())
                .place("d1", "c1", 1, d -> d.setSlaId("platinum"))
                .place("d2", "c1", 1, d -> d.setSlaId("gold"));

        assertThat(engine.last("d1").getReason()).isEqualTo(ReasonCode.SLA_UNSATISFIABLE);
        assertThat(engine.last("d1").getReasonDetail()).contains("unknown SLA platinum");
        assertThat(engine.last("d2").getReason()).isEqualTo(ReasonCode.SLA_UNSATISFIABLE);
    }

    @Test
    void spreadsWhenThePolicySaysSo() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").register("u2", "p1", "eu-west-1", 100, "1.00")
                .policy(policy("c1").setStrategy(ScoringStrategy.SPREAD)
                        .setWeights(Map.of("price", 0.0, "spreading", 1.0)).build())
                .place("d1", "c1", 10).place("d2", "c1", 10);

        assertThat(List.of(engine.last("d1").getDataUnitId(), engine.last("d2").getDataUnitId()))
                .containsExactlyInAnyOrder("u1", "u2");
    }

    private static Policy.Builder policy(final String consumer) {
        return Policy.newBuilder().setConsumerId(consumer).setUpdatedAt(Instant.EPOCH);
    }
}
