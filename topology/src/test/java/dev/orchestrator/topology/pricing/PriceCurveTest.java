package dev.orchestrator.topology.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.math.RoundingMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The price curve's arithmetic: worked examples, its shape, exact rounding against BigDecimal, and refused inputs. */
class PriceCurveTest {
    private final PriceCurve curve = PriceCurve.defaults();

    @Test
    void workedExamplesOfTheDefaultCurve() {
        // $2.00/h list = 2,000,000 micros; full reliability
        assertThat(curve.price(2_000_000, 6_000, 10_000, 0, Long.MAX_VALUE)).as("at the target").isEqualTo(2_000_000);
        assertThat(curve.price(2_000_000, 0, 10_000, 0, Long.MAX_VALUE)).as("idle: 20% off").isEqualTo(1_600_000);
        assertThat(curve.price(2_000_000, 3_000, 10_000, 0, Long.MAX_VALUE)).as("half way down: 10% off").isEqualTo(1_800_000);
        assertThat(curve.price(2_000_000, 10_000, 10_000, 0, Long.MAX_VALUE)).as("full: +150%").isEqualTo(5_000_000);
        assertThat(curve.price(2_000_000, 8_000, 10_000, 0, Long.MAX_VALUE)).as("half way up: +75%").isEqualTo(3_500_000);
        // reliability 90%: 5% off (weight 50%)
        assertThat(curve.price(2_000_000, 6_000, 9_000, 0, Long.MAX_VALUE)).isEqualTo(1_900_000);
        assertThat(curve.price(2_000_000, 6_000, 0, 0, Long.MAX_VALUE)).as("no SLA kept: half").isEqualTo(1_000_000);
    }

    @Test
    void theProvidersFloorAndCapBoundThePrice() {
        assertThat(curve.price(2_000_000, 0, 10_000, 1_700_000, 3_000_000)).isEqualTo(1_700_000);
        assertThat(curve.price(2_000_000, 10_000, 10_000, 1_700_000, 3_000_000)).isEqualTo(3_000_000);
        assertThat(curve.price(2_000_000, 6_000, 10_000, 2_500_000, 2_400_000)).as("a cap below the floor wins").isEqualTo(2_400_000);
    }

    @Test
    void roundsHalfUpOnce() {
        // 3 micros x 0.8 = 2.4 -> 2; 7 micros x 0.9 (reliability 80%) = 6.3 -> 6; 5 x 0.9 = 4.5 -> 5
        assertThat(curve.price(3, 0, 10_000, 0, Long.MAX_VALUE)).isEqualTo(2);
        assertThat(curve.price(7, 6_000, 8_000, 0, Long.MAX_VALUE)).isEqualTo(6);
        assertThat(curve.price(5, 6_000, 8_000, 0, Long.MAX_VALUE)).isEqualTo(5);
    }

    @Test
    void utilizationIsExactForAnyCapacity() {
        assertThat(PriceCurve.utilization(1, 3)).isEqualTo(3_333);
        assertThat(PriceCurve.utilization(Long.MAX_VALUE - 1, Long.MAX_VALUE)).isEqualTo(9_999);
        assertThat(PriceCurve.utilization(5, 0)).as("an empty pool counts as full").isEqualTo(10_000);
        assertThat(PriceCurve.utilization(7, 5)).as("overcommitted reads as full").isEqualTo(10_000);
    }

    @Test
    void refusesWhatItCannotPriceExactly() {
        assertThatThrownBy(() -> curve.price(Long.MAX_VALUE / 2, 10_000, 10_000, 0, Long.MAX_VALUE))
                .isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> curve.price(-1, 6_000, 10_000, 0, Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PriceCurve(0, 0, 0, 0)).hasMessageContaining("target utilization");
        assertThatThrownBy(() -> new PriceCurve(6_000, 10_000, 0, 0)).hasMessageContaining("idle discount");
        assertThatThrownBy(() -> new PriceCurve(6_000, 0, 100_001, 0)).hasMessageContaining("surge");
        assertThatThrownBy(() -> PriceCurve.utilization(-1, 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aConsumerCapRefusesDearerPrices() {
        assertThat(PriceCurve.accepted(2_000_000, 2_000_000)).isTrue();
        assertThat(PriceCurve.accepted(2_000_001, 2_000_000)).isFalse();
        assertThat(PriceCurve.accepted(9_000_000, 0)).as("no cap").isTrue();
    }

    @Property(tries = 2_000)
    void thePriceRisesWithUtilizationAndReliability(@ForAll @LongRange(min = 0, max = 1_000_000_000_000_000L) final long list,
                                                    @ForAll @LongRange(min = 0, max = 10_000) final long u,
                                                    @ForAll @LongRange(min = 0, max = 10_000) final long r) {
        final long price = curve.price(list, u, r, 0, Long.MAX_VALUE);
        if (u < 10_000) {
            assertThat(curve.price(list, u + 1, r, 0, Long.MAX_VALUE)).isGreaterThanOrEqualTo(price);
        }
        if (r < 10_000) {
            assertThat(curve.price(list, u, r + 1, 0, Long.MAX_VALUE)).isGreaterThanOrEqualTo(price);
        }
    }

    @Property(tries = 2_000)
    void thePriceIsTheExactProductRoundedHalfUp(@ForAll @LongRange(min = 0, max = 1_000_000_000_000_000L) final long list,
                                               @ForAll @LongRange(min = 0, max = 10_000) final long u,
                                               @ForAll @LongRange(min = 0, max = 10_000) final long r) {
        final BigInteger product = BigInteger.valueOf(list).multiply(BigInteger.valueOf(curve.utilizationMultiplier(u)))
                .multiply(BigInteger.valueOf(curve.reliabilityMultiplier(r)));
        final long expected = new java.math.BigDecimal(product).divide(java.math.BigDecimal.valueOf(100_000_000L), 0,
                RoundingMode.HALF_UP).longValueExact();
        assertThat(curve.price(list, u, r, 0, Long.MAX_VALUE)).isEqualTo(expected);
    }
}
