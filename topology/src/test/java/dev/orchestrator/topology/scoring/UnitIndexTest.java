package dev.orchestrator.topology.scoring;

import static dev.orchestrator.topology.Fixtures.GB;
import static dev.orchestrator.topology.Fixtures.unit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.topology.model.UnitKind;
import dev.orchestrator.topology.model.UnitFacts;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnitIndexTest {
    private final UnitIndex index = new UnitIndex();

    @Test
    void startsAtTheTightestFitWhenPackingAndBoundsTheWork() {
        for (int free = 10; free <= 100; free += 10) {
            index.update(unit("u" + free).storageGb(100).usedGb(100 - free).view());
        }

        final List<UnitFacts> packing = index.candidates(UnitKind.STORAGE, List.of(), 35 * GB, false, 3);
        final List<UnitFacts> spreading = index.candidates(UnitKind.STORAGE, List.of(), 35 * GB, true, 3);

        assertThat(packing).extracting(UnitFacts::unitId).containsExactly("u40", "u50", "u60");
        assertThat(spreading).extracting(UnitFacts::unitId).containsExactly("u100", "u90", "u80");
    }

    @Test
    void dropsUnitsThatTakeNoPlacementsAndFollowsUpdates() {
        index.update(unit("a").view());
        index.update(unit("b").view());
        index.update(unit("a").unallocatable().view());
        index.update(unit("b").region("us-east-1").view());

        assertThat(index.candidates(UnitKind.STORAGE, List.of("eu-west-1"), 1, false, 10)).isEmpty();
        assertThat(index.candidates(UnitKind.STORAGE, List.of("us-east-1"), 1, false, 10))
                .extracting(UnitFacts::unitId).containsExactly("b");
        assertThat(index.size()).isEqualTo(1);
    }
}
