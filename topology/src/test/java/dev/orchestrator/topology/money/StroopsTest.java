package dev.orchestrator.topology.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Stellar amounts: what parses to how many stroops, what is refused and why, and that writing reads back. */
class StroopsTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"0, 0", "1, 10000000", "10.5, 105000000", "0.0000001, 1", "00012.3400000, 123400000",
        "922337203685.4775807, 9223372036854775807"})
    void parses(final String text, final long stroops) {
        assertThat(Stroops.parse(text)).isEqualTo(stroops);
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
        "''| an amount is required",
        "-1| must not be negative",
        "1.12345678| at most 7 decimals",
        "1e5| digits with an optional decimal point",
        "+1| digits with an optional decimal point",
        "1.| digits with an optional decimal point",
        ".5| digits with an optional decimal point",
        "' 1'| digits with an optional decimal point",
        "1,5| digits with an optional decimal point",
        "NaN| digits with an optional decimal point",
        "922337203685.4775808| at most 922337203685.4775807",
        "99999999999999999999| at most 922337203685.4775807",
        "0000000000000000000000000000000000000000001| at most 40 characters"})
    void refuses(final String text, final String why) {
        assertThatThrownBy(() -> Stroops.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(why);
    }

    @Test
    void writesAsStellarDoes() {
        assertThat(Stroops.format(0)).isEqualTo("0");
        assertThat(Stroops.format(100_000_000)).isEqualTo("10");
        assertThat(Stroops.format(105_000_000)).isEqualTo("10.5");
        assertThat(Stroops.format(1)).isEqualTo("0.0000001");
        assertThat(Stroops.format(Long.MAX_VALUE)).isEqualTo("922337203685.4775807");
        assertThatThrownBy(() -> Stroops.format(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void microUnitsAreTenStroopsExactly() {
        assertThat(Stroops.fromMicros(1_500_000)).isEqualTo(15_000_000);
        assertThat(Stroops.toMicrosCeiling(15_000_001)).isEqualTo(1_500_001);
        assertThat(Stroops.toMicrosCeiling(15_000_000)).isEqualTo(1_500_000);
        assertThatThrownBy(() -> Stroops.fromMicros(Long.MAX_VALUE / 5)).isInstanceOf(ArithmeticException.class);
    }

    @Property(tries = 2_000)
    void whatIsWrittenReadsBackAndMatchesBigDecimal(@ForAll @LongRange(min = 0) final long stroops) {
        final String text = Stroops.format(stroops);
        assertThat(Stroops.parse(text)).isEqualTo(stroops);
        assertThat(new BigDecimal(text).movePointRight(7).longValueExact()).isEqualTo(stroops);
    }
}
