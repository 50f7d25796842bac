package dev.orchestrator.topology.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class HealthTest {
    @Test
    void smoothsLatencyExponentially() {
        // first sample replaces the advertised 0; then 0.2 * 20 + 0.8 * 10 = 12
        final Health health = Health.initial(0, 0).observe(1, 10.0, true).observe(2, 20.0, true);

        assertThat(health.ewmaLatencyMillis()).isCloseTo(12.0, within(1e-9));
    }

    @Test
    void measuresAvailabilityOverTheLast64Probes() {
        Health health = Health.initial(0, 1);
        for (int i = 0; i < 64; i++) {
            health = health.observe(i, null, false);
        }
        for (int i = 0; i < 48; i++) {
            health = health.observe(100 + i, null, true);
        }

        assertThat(health.availability()).isEqualTo(48.0 / 64);
    }

    @Test
    void becomesUnhealthyWhenHeartbeatsStopAndHealthyWhenTheyReturn() {
        final Health silent = Health.initial(0, 1).judged(10_001, 10_000);
        final Health back = silent.observe(10_500, null, true).judged(10_600, 10_000);

        assertThat(silent.healthy()).isFalse();
        assertThat(back.healthy()).isTrue();
    }
}
