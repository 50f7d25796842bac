package dev.orchestrator.topology.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InputClockTest {
    private final InputClock clock = new InputClock(120_000);

    @Test
    void runsBehindTheWallClockByHowLateTheLastRecordWasProcessed() {
        // before any record: as far behind as it may be
        assertThat(clock.at(1_000_000)).isEqualTo(880_000);

        clock.processing(1_000_000, 970_000);
        assertThat(clock.at(1_005_000)).isEqualTo(975_000);

        clock.processing(1_010_000, 1_010_000);
        assertThat(clock.at(1_010_000)).isEqualTo(1_010_000);
    }

    @Test
    void neverRunsAheadAndNeverLagsMoreThanItsCap() {
        clock.processing(1_000_000, 1_050_000);
        assertThat(clock.at(1_000_000)).isEqualTo(1_000_000);

        clock.processing(1_000_000, 0);
        assertThat(clock.at(1_000_000)).isEqualTo(880_000);
    }
}
