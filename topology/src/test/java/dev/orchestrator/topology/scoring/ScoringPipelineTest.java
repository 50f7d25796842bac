package dev.orchestrator.topology.scoring;

import static dev.orchestrator.topology.Fixtures.storageDemand;
import static dev.orchestrator.topology.Fixtures.unit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.model.PlaceRequest;
import dev.orchestrator.topology.model.PolicyTerms;
import dev.orchestrator.topology.model.SlaTerms;
import dev.orchestrator.topology.model.UnitView;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ScoringPipelineTest {
    private final ScoringPipeline pipeline = new ScoringPipeline(Filters.ALL);
    private final PlaceRequest demand = storageDemand("d1", "c1", 10);

    @Test
    void prefersTheCheaperUnitWhenOnlyPriceCounts() {
        final PolicyTerms priceOnly = weights(Map.of("price", 1.0, "latency", 0.0, "reliability", 0.0, "packing", 0.0));
        // 10 GB of 100 GB: 0.1 * 2_000_000 = 200_000 vs 0.1 * 1_000_000 = 100_000 micros/h
        final Decision decision = pipeline.decide(context(priceOnly, Optional.empty()), List.of(
                unit("dear").price(2_000_000).view(), unit("cheap").price(1_000_000).view()));

        assertThat(decision.chosen()).map(dev.orchestrator.topology.model.UnitFacts::unitId).contains("cheap");
        assertThat(decision.pricePerHourMicros()).isEqualTo(100_000);
        assertThat(decision.breakdown().get(0).contributions()).containsEntry("price", 1.0);
        assertThat(decision.breakdown().get(1).contributions()).containsEntry("price", 0.0);
    }

    @Test
    void packsOntoTheFullestUnitOrSpreadsOntoTheEmptiest() {
        final PolicyTerms packOnly = weights(Map.of("price", 0.0, "latency", 0.0, "reliability", 0.0, "packing", 1.0));
        final PolicyTerms spreadOnly = new PolicyTerms(Integer.MAX_VALUE, null, Long.MAX_VALUE, PolicyTerms.MONTH_MILLIS,
                Set.of(), Set.of(), Long.MAX_VALUE, true, Map.of("price", 0.0, "latency", 0.0, "reliability", 0.0,
                "spreading", 1.0));
        // after placing 10 GB: "full" is at (80 + 10) / 100 = 0.9, "empty" at 10 / 100 = 0.1
        final List<UnitView> units = List.of(unit("full").usedGb(80).view(), unit("empty").view());

        assertThat(pipeline.decide(context(packOnly, Optional.empty()), units).chosen()).map(dev.orchestrator.topology.model.UnitFacts::unitId).contains("full");
        assertThat(pipeline.decide(context(spreadOnly, Optional.empty()), units).chosen()).map(dev.orchestrator.topology.model.UnitFacts::unitId).contains("empty");
    }

    @Test
    void breaksTiesByUnitIdSoReplaysDecideTheSame() {
        final Decision decision = pipeline.decide(context(PolicyTerms.UNLIMITED, Optional.empty()),
                List.of(unit("u2").view(), unit("u1").view()));

        assertThat(decision.chosen()).map(dev.orchestrator.topology.model.UnitFacts::unitId).contains("u1");
    }

    static List<Arguments> removals() {
        final SlaTerms strict = new SlaTerms("gold", 5, 0.999, 60_000, 10);
        return List.of(
                Arguments.of("full unit", unit("u").usedGb(95).view(), Optional.empty(), ReasonCode.NO_CAPACITY, "fits"),
                Arguments.of("maintenance", unit("u").unallocatable().view(), Optional.empty(),
                        ReasonCode.NO_FEASIBLE_UNIT, "allocatable"),
                Arguments.of("too slow for SLA", unit("u").latency(20).view(), Optional.of(strict),
                        ReasonCode.SLA_UNSATISFIABLE, "qos"),
                Arguments.of("too flaky for SLA", unit("u").latency(1).availability(0.99).view(), Optional.of(strict),
                        ReasonCode.SLA_UNSATISFIABLE, "qos"),
                Arguments.of("wrong region", unit("u").region("us-east-1").view(), Optional.empty(),
                        ReasonCode.REGION_NOT_ALLOWED, "region"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("removals")
    void rejectsWithTheReasonOfTheFilterThatRemovedEveryUnit(final String name, final UnitView unit,
                                                              final Optional<SlaTerms> sla, final ReasonCode reason,
                                                              final String filter) {
        final PolicyTerms euOnly = new PolicyTerms(Integer.MAX_VALUE, null, Long.MAX_VALUE, PolicyTerms.MONTH_MILLIS,
                Set.of("eu-west-1"), Set.of(), Long.MAX_VALUE, false, Map.of());

        final Decision decision = pipeline.decide(context(euOnly, sla), List.of(unit));

        assertThat(decision.chosen()).isEmpty();
        assertThat(decision.rejection()).isEqualTo(reason);
        assertThat(decision.breakdown()).singleElement().satisfies(e -> assertThat(e.filteredBy()).isEqualTo(filter));
    }

    @Test
    void rejectsWhenTheBudgetCannotPayForAnHour() {
        // 10 GB of 100 GB at 1.000000/h = 100_000 micros for the one hour billed up front
        final ScoringContext poor = new ScoringContext(demand, PolicyTerms.UNLIMITED, Optional.empty(), Set.of(), 99_999);

        assertThat(pipeline.decide(poor, List.of(unit("u").view())).rejection()).isEqualTo(ReasonCode.BUDGET_EXCEEDED);
    }

    private ScoringContext context(final PolicyTerms policy, final Optional<SlaTerms> sla) {
        return new ScoringContext(demand, policy, sla, Set.of(), Long.MAX_VALUE);
    }

    private static PolicyTerms weights(final Map<String, Double> weights) {
        return new PolicyTerms(Integer.MAX_VALUE, null, Long.MAX_VALUE, PolicyTerms.MONTH_MILLIS, Set.of(), Set.of(),
                Long.MAX_VALUE, false, weights);
    }
}
