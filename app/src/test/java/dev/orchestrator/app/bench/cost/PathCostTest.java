package dev.orchestrator.app.bench.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.orchestrator.schemas.evolution.KnownSchemas;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.schemas.serde.InProcessSchemaRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PathCostTest {
    private static final Topics TOPICS = topics();

    private static Topics topics() {
        final InProcessSchemaRegistry registry = InProcessSchemaRegistry.inMemory();
        KnownSchemas.all().forEach(registry::preload);
        return Topics.create("", registry);
    }

    @Test
    void rolesFollowWhereTheTopicSitsOnThePath() {
        assertThat(TopicRole.of(TOPICS.demand.name(), TOPICS)).isEqualTo(TopicRole.INPUT);
        assertThat(TopicRole.of(TOPICS.outcomes.name(), TOPICS)).isEqualTo(TopicRole.INPUT);
        assertThat(TopicRole.of(TOPICS.route.name(), TOPICS)).isEqualTo(TopicRole.INTERNAL);
        assertThat(TopicRole.of("app-KSTREAM-MAP-0000000003-repartition", TOPICS)).isEqualTo(TopicRole.INTERNAL);
        assertThat(TopicRole.of("app-allocations-changelog", TOPICS)).isEqualTo(TopicRole.CHANGELOG);
        assertThat(TopicRole.of(TOPICS.commands.name(), TOPICS)).isEqualTo(TopicRole.OUTPUT);
        assertThat(TopicRole.of("something.else", TOPICS)).isEqualTo(TopicRole.OUTPUT);
    }

    @Test
    void countsOnlyWhatWasAppendedBetweenTheSnapshotsAndLeavesTelemetryOutOfTheTotals() {
        final CostSnapshot before = new CostSnapshot(Map.of(
                TOPICS.demand.name(), new long[] {100, 10_000},
                TOPICS.commands.name(), new long[] {50, 5_000}), 7, Map.of(1L, 1_000_000L, 2L, 0L), 10_000_000L);
        final CostSnapshot after = new CostSnapshot(Map.of(
                TOPICS.demand.name(), new long[] {300, 30_000},
                TOPICS.telemetry.name(), new long[] {1_000, 50_000},
                TOPICS.route.name(), new long[] {400, 8_000},
                "app-allocations-changelog", new long[] {200, 40_000},
                TOPICS.commands.name(), new long[] {250, 25_000}), 9, Map.of(1L, 3_000_000L, 3L, 1_000_000L), 50_000_000L);

        final PathCost cost = PathCost.between(before, after, 200, 50, TOPICS);

        // 200 demands + 400 internal + 200 changelog + 200 commands over 200 placements; telemetry is not in it
        assertThat(cost.recordsPerPlacement()).isCloseTo(5.0, within(1e-9));
        assertThat(cost.bytesPerPlacement()).isCloseTo((20_000 + 8_000 + 40_000 + 20_000) / 200.0, within(1e-9));
        assertThat(cost.internalRecordsPerPlacement()).isCloseTo(2.0, within(1e-9));
        assertThat(cost.byRole().get(TopicRole.INPUT).records()).isEqualTo(200);
        assertThat(cost.topics()).anySatisfy(row -> {
            assertThat(row.topic()).isEqualTo(TOPICS.telemetry.name());
            assertThat(row.records()).isEqualTo(1_000);
        });
        assertThat(cost.transactionsPer1000()).isCloseTo(10.0, within(1e-9));
        // thread 1 spent 2 ms, thread 3 started after the first snapshot and spent 1 ms, thread 2 ended
        assertThat(cost.engineCpuMicrosPerPlacement()).isCloseTo(3_000.0 / 200, within(1e-9));
        assertThat(cost.processCpuMicrosPerPlacement()).isCloseTo(40_000.0 / 200, within(1e-9));
        assertThat(cost.spillRate()).isCloseTo(0.25, within(1e-9));
    }
}
