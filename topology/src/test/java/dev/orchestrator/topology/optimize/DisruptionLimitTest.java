package dev.orchestrator.topology.optimize;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DisruptionLimitTest {
    @Test
    void theAllowanceIsTheLimitRoundedDownLessWhatMovedInTheWindow() {
        assertThat(DisruptionLimit.allowance(25, 0, 10)).isEqualTo(2);   // 2.5 rounds down
        assertThat(DisruptionLimit.allowance(25, 1, 10)).isEqualTo(1);
        assertThat(DisruptionLimit.allowance(25, 2, 10)).isZero();
        assertThat(DisruptionLimit.allowance(25, 7, 10)).as("moved more than the limit (maintenance, say)").isZero();
        assertThat(DisruptionLimit.allowance(9, 0, 10)).as("under ten allocations, 10% is none").isZero();
        assertThat(DisruptionLimit.allowance(9, 0, 0)).isZero();
        assertThat(DisruptionLimit.allowance(4, 1, 100)).isEqualTo(3);
        assertThat(DisruptionLimit.allowance(Integer.MAX_VALUE, 0, 100)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void slicesThatEachKeepTheirShareKeepTheConsumersLimit() {
        // 3 tasks hold 14, 9 and 7 of a consumer's 30 allocations: 10% each rounds down to 1, 0, 0; 1 <= 3 overall
        final int total = DisruptionLimit.allowance(14, 0, 10) + DisruptionLimit.allowance(9, 0, 10)
                + DisruptionLimit.allowance(7, 0, 10);
        assertThat(total).isEqualTo(1).isLessThanOrEqualTo(DisruptionLimit.allowance(30, 0, 10));
    }
}
