package dev.orchestrator.topology.optimize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.topology.optimize.RecentRejections.Rejected;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The optimizer's memory of demand turned away: newest kept, in time order, whether noted live or read back. */
class RecentRejectionsTest {
    @Test
    void readBackInAnyOrderKeepsTheNewestInTimeOrder() {
        final List<Integer> times = new ArrayList<>(IntStream.rangeClosed(1, 200).boxed().toList());
        Collections.shuffle(times, new Random(7));
        final RecentRejections recent = new RecentRejections();
        times.forEach(t -> recent.restored(new Rejected("d" + t, "c", null, t)));

        final List<Long> kept = recent.since(0).stream().map(Rejected::at).toList();
        assertThat(kept).hasSize(OptimizerSettings.REMEMBERED)
                .containsExactlyElementsOf(IntStream.rangeClosed(200 - OptimizerSettings.REMEMBERED + 1, 200)
                        .mapToObj(t -> (long) t).toList());
    }

    @Test
    void notedLiveTheOldestLeaveFirstAndPlannedOnesAreForgotten() {
        final RecentRejections recent = new RecentRejections();
        for (int t = 1; t <= OptimizerSettings.REMEMBERED + 3; t++) {
            recent.note("d" + t, "c", null, t);
        }
        assertThat(recent.since(0)).first().extracting(Rejected::demandId).isEqualTo("d4");
        recent.planned("d10");
        assertThat(recent.since(0)).extracting(Rejected::demandId).doesNotContain("d10").hasSize(OptimizerSettings.REMEMBERED - 1);
        assertThat(recent.since(50)).extracting(Rejected::at).allSatisfy(at -> assertThat(at).isGreaterThanOrEqualTo(50L));
        assertThat(recent.size()).isEqualTo(OptimizerSettings.REMEMBERED + 3 - 49);
    }
}
