package dev.orchestrator.topology.money;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProviderStandingTest {
    private static final long HOUR = 3_600_000;

    @Test
    void eachBreachLowersReliabilityUntilTheThresholdMakesItIneligible() {
        ProviderStanding standing = ProviderStanding.clean("p1");
        assertThat(standing.reliability(0, HOUR, 4)).isEqualTo(10_000);
        standing = standing.breached(1_000, HOUR);
        assertThat(standing.reliability(1_000, HOUR, 4)).isEqualTo(7_500);
        standing = standing.breached(2_000, HOUR).breached(3_000, HOUR);
        assertThat(standing.reliability(3_000, HOUR, 4)).isEqualTo(2_500);
        assertThat(standing.ineligible(3_000, HOUR, 4)).isFalse();
        standing = standing.breached(4_000, HOUR);
        assertThat(standing.ineligible(4_000, HOUR, 4)).isTrue();
        assertThat(standing.reliability(4_000, HOUR, 4)).isZero();
        assertThat(standing.reversed().ineligible(4_000, HOUR, 4)).as("a reversal takes a breach off").isFalse();
    }

    @Test
    void breachesAgeOutOfTheWindow() {
        final ProviderStanding standing = ProviderStanding.clean("p1").breached(0, HOUR).breached(HOUR / 2, HOUR);
        assertThat(standing.recent(HOUR - 1, HOUR)).isEqualTo(2);
        assertThat(standing.nextChange(HOUR - 1, HOUR)).isEqualTo(HOUR + 1);
        assertThat(standing.recent(HOUR, HOUR)).isEqualTo(1);
        assertThat(standing.recent(2 * HOUR, HOUR)).isZero();
        assertThat(standing.nextChange(2 * HOUR, HOUR)).isEqualTo(Long.MAX_VALUE);
        assertThat(standing.breached(3 * HOUR, HOUR).breaches()).as("old breaches are dropped when a new one comes")
                .containsExactly(3 * HOUR);
    }
}
