package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.Money;
import dev.orchestrator.topology.pricing.PriceCurve;
import java.math.BigDecimal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Prices in the engine follow the curve: an empty unit asks less than its list price, a fuller one
 * more, within the provider's floor and cap; the price at decision time is fixed in the allocation
 * (and so shown by explain), and a consumer's price cap holds against it.
 */
class PricingTest {
    /** List price at 60%, 20% off when empty, up to 2.5x when full, half the price riding on reliability. */
    private EngineHarness engine = new EngineHarness(EngineSettings.defaults().withPricing(PriceCurve.defaults()));

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void theUnitsPriceRisesAsItFills() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00");
        engine.place("d1", "c1", 10);
        // empty: 20% off the list price, for 10 of 100 GB
        assertThat(perHour(engine.last("d1"))).isEqualByComparingTo("0.08");
        engine.place("d2", "c1", 70);
        // 10% used: 1 - 0.2 x (0.6 - 0.1) / 0.6, in whole basis points 8,334, for 70 GB
        assertThat(perHour(engine.last("d2"))).isEqualByComparingTo("0.58338");
        engine.place("d3", "c1", 10);
        // 80% used: 1 + 1.5 x (0.8 - 0.6) / 0.4 = 1.75, for 10 GB
        assertThat(perHour(engine.last("d3"))).isEqualByComparingTo("0.175");
    }

    @Test
    void theProvidersFloorAndCapBoundIt() {
        engine.register("floored", "p1", "eu-west-1", 100, "1.00", e -> e.setPriceFloor(new Money(new BigDecimal("0.95"), "USD")));
        engine.place("d1", "c1", 100);
        assertThat(perHour(engine.last("d1"))).as("never below the floor").isEqualByComparingTo("0.95");
        engine.register("capped", "p2", "us-east-1", 100, "1.00", e -> e.setPriceCap(new Money(new BigDecimal("1.10"), "USD")));
        engine.place("d2", "c1", 90, d -> d.setRegions(java.util.List.of("us-east-1")));
        engine.place("d3", "c1", 10, d -> d.setRegions(java.util.List.of("us-east-1")));
        // 90% used would ask 1 + 1.5 x 0.75 = 2.125 of list; the cap keeps it at 1.10 for the whole unit
        assertThat(perHour(engine.last("d3"))).as("never above the cap").isEqualByComparingTo("0.11");
    }

    @Test
    void aConsumersPriceCapHoldsAgainstTheCurrentPrice() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00");
        engine.place("d1", "c1", 80);
        // 80% used: the unit asks 1.75 of list; 10 GB cost 0.175/h, over the 0.15 the demand accepts
        engine.place("d2", "c1", 10, d -> d.setMaxPricePerHour(new Money(new BigDecimal("0.15"), "USD")));
        assertThat(engine.last("d2").getStatus()).isEqualTo(AllocationStatus.REJECTED);
        engine.place("d3", "c1", 10, d -> d.setMaxPricePerHour(new Money(new BigDecimal("0.20"), "USD")));
        assertThat(engine.last("d3").getStatus()).isEqualTo(AllocationStatus.PLACED);
    }

    @Test
    void aFlatCurveKeepsTheListPrice() {
        engine.close();
        engine = new EngineHarness();
        engine.register("u1", "p1", "eu-west-1", 100, "1.00");
        engine.place("d1", "c1", 10);
        assertThat(perHour(engine.last("d1"))).isEqualByComparingTo("0.10");
    }

    private static BigDecimal perHour(final AllocationResult result) {
        assertThat(result.getStatus()).as("%s", result).isEqualTo(AllocationStatus.PLACED);
        return result.getPricePerHour().getAmount();
    }
}
