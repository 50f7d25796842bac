package dev.orchestrator.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolHistoryTest {
    private static Views.Pool pool(final String region, final double utilization) {
        return new Views.Pool("STORAGE", region, 1, 1, 100, (long) (100 * (1 - utilization)), utilization, java.util.Map.of());
    }

    @Test
    void keepsTheLastSamplesAndPadsPoolsThatAppearedLater() {
        final PoolHistory history = new PoolHistory(5_000, 3);
        history.record(1_000, List.of(pool("eu", 0.1)));
        history.record(2_000, List.of(pool("eu", 0.2)));
        history.record(3_000, List.of(pool("eu", 0.3), pool("us", 0.5)));
        history.record(4_000, List.of(pool("eu", 0.4), pool("us", 0.6)));

        final PoolHistory.Series series = history.series();

        assertThat(series.times()).containsExactly(2_000L, 3_000L, 4_000L);
        assertThat(series.pools().get("STORAGE eu")).containsExactly(0.2, 0.3, 0.4);
        assertThat(series.pools().get("STORAGE us")).isEqualTo(Arrays.asList(null, 0.5, 0.6));
        history.close();
    }
}
