package dev.orchestrator.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestrator.topology.optimize.OptimizerView;
import dev.orchestrator.topology.read.QueueView;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueMergeTest {
    @Test
    void theOptimizersEstimateIsRoomInPiecesOverAllocationsAndTurnedAwayAddedUpOverTheTasks() {
        final QueueView a = QueueView.EMPTY.withOptimizer(new OptimizerView(1_000, 10, 3, 2, 90));
        final QueueView b = QueueView.EMPTY.withOptimizer(new OptimizerView(1_000, 0, 0, 0, 100));
        final QueueView off = QueueView.EMPTY;

        final Views.QueueOptimizer merged = QueueQueries.merge(List.of(a, b, off), 2_000).optimizer();

        assertThat(merged.running()).isTrue();
        assertThat(merged.turnedAway()).isEqualTo(10);
        assertThat(merged.roomInPieces()).isEqualTo(3);
        assertThat(merged.movesAsked()).isEqualTo(2);
        assertThat(merged.allocations()).isEqualTo(190);
        // 3 / (190 + 10)
        assertThat(merged.estimatedGap()).isEqualTo(0.015);
        assertThat(QueueQueries.merge(List.of(off, off), 2_000).optimizer().running()).isFalse();
        assertThat(QueueQueries.merge(List.of(off), 2_000).optimizer().estimatedGap()).isZero();
    }

    @Test
    void aViewTravelsBetweenInstancesWithItsOptimizerAndOneFromAnOlderInstanceHasNone() throws Exception {
        final ObjectMapper json = new ObjectMapper();
        final QueueView view = QueueView.EMPTY.withOptimizer(new OptimizerView(1_000, 4, 1, 1, 20));

        assertThat(json.readValue(json.writeValueAsString(view), QueueView.class).optimizer()).isEqualTo(view.optimizer());
        assertThat(json.readValue("{\"pools\":[],\"byPriority\":{},\"waited\":{},\"at\":5}", QueueView.class).optimizer())
                .isEqualTo(OptimizerView.NONE);
    }
}
