package dev.orchestrator.topology.scoring;

import static dev.orchestrator.topology.Fixtures.computeDemand;
import static dev.orchestrator.topology.Fixtures.unit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.model.PlaceRequest;
import dev.orchestrator.topology.model.PolicyTerms;
import dev.orchestrator.topology.model.UnitFacts;
import dev.orchestrator.topology.model.UnitView;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Compute demands: GPU model and count, each dimension fitting on its own, and GPUs kept for GPU work. */
class ComputeScoringTest {
    private final ScoringPipeline pipeline = new ScoringPipeline(Filters.ALL);

    private Decision decide(final PlaceRequest demand, final UnitView... units) {
        return pipeline.decide(new ScoringContext(demand, PolicyTerms.UNLIMITED, Optional.empty(), Set.of(), Long.MAX_VALUE),
                List.of(units));
    }

    @Test
    void aGpuDemandGoesToAUnitOfTheModelItNamesEvenWhenAnotherModelIsCheaperAndEmptier() {
        final Decision decision = decide(computeDemand("d", 8, 64, 2, "a100"),
                unit("l4").compute(64, 512, 8, "l4").price(1_000_000).view(),
                unit("a100").compute(64, 512, 8, "a100").computeUsed(32, 256, 4).price(9_000_000).view());

        assertThat(decision.chosen()).map(UnitFacts::unitId).contains("a100");
        assertThat(decision.breakdown()).anySatisfy(c -> {
            assertThat(c.unitId()).isEqualTo("l4");
            assertThat(c.filteredBy()).isEqualTo("gpu");
        });
    }

    @Test
    void aGpuDemandWithNoUnitOfItsModelIsInfeasibleNotShortOfRoom() {
        final Decision decision = decide(computeDemand("d", 4, 16, 1, "h100"),
                unit("l4").compute(64, 512, 8, "l4").view(), unit("cpu").compute(64, 512, 0, null).view());

        assertThat(decision.chosen()).isEmpty();
        assertThat(decision.rejection()).isEqualTo(ReasonCode.NO_FEASIBLE_UNIT);
        assertThat(decision.breakdown()).extracting(c -> c.filteredBy()).containsOnly("gpu");
    }

    @Test
    void aGpuDemandNamingNoModelTakesAnyGpuUnitButNeverACpuOnlyOne() {
        final Decision decision = decide(computeDemand("d", 4, 16, 1, null),
                unit("cpu").compute(64, 512, 0, null).price(1).view(), unit("l4").compute(64, 512, 8, "l4").view());

        assertThat(decision.chosen()).map(UnitFacts::unitId).contains("l4");
    }

    @ParameterizedTest(name = "{0} short")
    @CsvSource({"vCPU, 30, 10, 0", "memory, 2, 500, 0", "GPUs, 2, 10, 7"})
    void aUnitShortOnAnyOneDimensionIsFullForThatDemand(final String dimension, final long usedCpus,
                                                        final long usedMemoryGb, final int usedGpus) {
        // the unit: 32 vCPU, 512 GB, 8 a100; the demand: 4 vCPU, 16 GB, 2 a100
        final Decision decision = decide(computeDemand("d", 4, 16, 2, "a100"),
                unit("u").compute(32, 512, 8, "a100").computeUsed(usedCpus, usedMemoryGb, usedGpus).view());

        assertThat(decision.chosen()).isEmpty();
        assertThat(decision.rejection()).isEqualTo(ReasonCode.NO_CAPACITY);
        assertThat(decision.breakdown()).singleElement().satisfies(c -> assertThat(c.filteredBy()).isEqualTo("fits"));
    }

    @Test
    void aCpuDemandLeavesGpuUnitsForGpuWorkAtTheSamePrice() {
        final Decision decision = decide(computeDemand("d", 4, 16, 0, null),
                unit("a-gpu").compute(64, 512, 8, "a100").view(), unit("b-cpu").compute(64, 512, 0, null).view());

        assertThat(decision.chosen()).map(UnitFacts::unitId).contains("b-cpu");
        assertThat(decision.breakdown().get(0).contributions()).containsEntry(Scorers.GPU_SPARING, 1.0);
    }

    @Test
    void aCpuDemandTakesAnIdleGpuUnitWhenNothingElseHasRoomOnlyUnderAPolicyThatLiftsTheReserve() {
        final UnitView gpu = unit("gpu").compute(64, 512, 8, "a100").view();
        final UnitView fullCpu = unit("cpu").compute(64, 512, 0, null).computeUsed(62, 0, 0).view();
        // by default each free GPU keeps its share (8 vCPU, 64 GB) of the node: 4 vCPU would leave 60 for 8 GPUs
        final Decision reserved = decide(computeDemand("d", 4, 16, 0, null), gpu, fullCpu);
        assertThat(reserved.chosen()).isEmpty();
        assertThat(reserved.rejection()).isEqualTo(ReasonCode.NO_CAPACITY);

        final PolicyTerms lifted = new PolicyTerms(Integer.MAX_VALUE, null, Long.MAX_VALUE, PolicyTerms.MONTH_MILLIS,
                Set.of(), Set.of(), Long.MAX_VALUE, false, java.util.Map.of(Scorers.GPU_RESERVE, 0.0));
        final Decision taken = pipeline.decide(new ScoringContext(computeDemand("d", 4, 16, 0, null), lifted, Optional.empty(),
                Set.of(), Long.MAX_VALUE), List.of(gpu, fullCpu));
        assertThat(taken.chosen()).map(UnitFacts::unitId).contains("gpu");
    }

    @Test
    void storageDecisionsCarryNoGpuScore() {
        final Decision decision = pipeline.decide(new ScoringContext(dev.orchestrator.topology.Fixtures.storageDemand("d", "c1", 10),
                PolicyTerms.UNLIMITED, Optional.empty(), Set.of(), Long.MAX_VALUE), List.of(unit("s").view()));

        assertThat(decision.breakdown().get(0).contributions()).doesNotContainKey(Scorers.GPU_SPARING);
    }
}
