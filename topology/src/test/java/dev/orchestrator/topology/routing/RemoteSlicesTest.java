package dev.orchestrator.topology.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.topology.Fixtures;
import dev.orchestrator.topology.model.PlaceRequest;
import dev.orchestrator.topology.model.UnitKind;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Where a demand goes: the estimates tasks make from each other's pool summaries, made the same way for their own. */
class RemoteSlicesTest {
    private static PoolSummary pool(final Fixtures.UnitBuilder... units) {
        return PoolSummary.of(UnitKind.STORAGE, "eu-west-1", List.of(units).stream().map(Fixtures.UnitBuilder::view).toList());
    }

    @Test
    void aPlaceableDemandMovesOnlyWhenAnotherTaskIsCheaperByTheMargin() {
        final RemoteSlices remote = new RemoteSlices(0.10);
        final PlaceRequest demand = Fixtures.storageDemand("d1", "c1", 10);
        remote.update(0, List.of(pool(Fixtures.unit("a").price(1_000_000))));
        remote.update(1, List.of(pool(Fixtures.unit("b").price(950_000))));
        remote.update(2, List.of(pool(Fixtures.unit("c").price(700_000).usedGb(95))));
        // task 2's cheap unit has 5 GB free: it cannot take 10 GB; task 1 is only 5% cheaper
        assertThat(remote.target(demand, Set.of(), 0, List.of(), true)).isEmpty();
        remote.update(1, List.of(pool(Fixtures.unit("b").price(800_000))));
        assertThat(remote.target(demand, Set.of(), 0, List.of(), true)).hasValue(1);
        // nothing fits here: the cheapest task that might take it, tried ones left out
        assertThat(remote.target(demand, Set.of(), 0, List.of())).hasValue(1);
        assertThat(remote.target(demand, Set.of(), 0, List.of(1))).isEmpty();
    }

    private static PoolSummary computePool(final Fixtures.UnitBuilder... units) {
        return PoolSummary.of(UnitKind.COMPUTE, "eu-west-1", List.of(units).stream().map(Fixtures.UnitBuilder::view).toList());
    }

    @Test
    void aJobThatNeedsNoGpuIsPointedAtATaskWithRoomOnAUnitWithoutGpus() {
        final RemoteSlices remote = new RemoteSlices(0.10);
        final PlaceRequest cpuJob = Fixtures.computeDemand("d", 4, 16, 0, null);
        remote.update(0, List.of(computePool(Fixtures.unit("gpu-here").compute(64, 512, 8, "a100"))));
        remote.update(1, List.of(computePool(Fixtures.unit("gpu-there").compute(64, 512, 8, "l4").price(1))));
        remote.update(2, List.of(computePool(Fixtures.unit("cpu-full").compute(64, 512, 0, null).computeUsed(62, 0, 0))));
        assertThat(remote.withoutGpus(cpuJob, Set.of(), 0, List.of())).as("the only CPU unit is full").isEmpty();

        remote.update(3, List.of(computePool(Fixtures.unit("cpu-dear").compute(64, 512, 0, null).price(9_000_000))));
        remote.update(4, List.of(computePool(Fixtures.unit("cpu").compute(64, 512, 0, null).price(2_000_000))));
        assertThat(remote.withoutGpus(cpuJob, Set.of(), 0, List.of())).as("the cheapest with room").hasValue(4);
        assertThat(remote.withoutGpus(cpuJob, Set.of(), 0, List.of(4))).hasValue(3);
        assertThat(remote.withoutGpus(cpuJob, Set.of("us-east-1"), 0, List.of())).as("out of the regions asked").isEmpty();
    }

    @Test
    void aGpuDemandKnowsWhetherAnyTaskHasUnitsOfItsModelFullOrNot() {
        final RemoteSlices remote = new RemoteSlices(0.10);
        remote.update(1, List.of(computePool(Fixtures.unit("l4").compute(48, 192, 4, "l4").computeUsed(48, 192, 4)),
                computePool(Fixtures.unit("cpu").compute(64, 512, 0, null))));

        assertThat(remote.anyPool(Fixtures.computeDemand("d", 4, 16, 1, "l4"), Set.of(), 0)).as("full, but l4").isTrue();
        assertThat(remote.anyPool(Fixtures.computeDemand("d", 4, 16, 1, null), Set.of(), 0)).as("any model").isTrue();
        assertThat(remote.anyPool(Fixtures.computeDemand("d", 4, 16, 1, "h100"), Set.of(), 0)).isFalse();
        assertThat(remote.anyPool(Fixtures.computeDemand("d", 4, 16, 0, null), Set.of(), 0)).isTrue();
        assertThat(remote.anyPool(Fixtures.computeDemand("d", 4, 16, 1, "l4"), Set.of(), 1)).as("its own task").isFalse();
    }

    @Test
    void aTaskNotHeardFromYetIsAskedAndAnyTaskWhenNoneIsKnownToHaveThePool() {
        final RemoteSlices remote = new RemoteSlices(0.10);
        remote.update(0, List.of());
        remote.update(2, List.of());
        assertThat(remote.untried(0, List.of(), 4, false)).hasValue(1);
        assertThat(remote.untried(0, List.of(1), 4, false)).hasValue(3);
        remote.update(1, List.of());
        remote.update(3, List.of());
        assertThat(remote.untried(0, List.of(), 4, false)).as("every task heard from").isEmpty();
        assertThat(remote.untried(0, List.of(2), 4, true)).hasValue(1);
        assertThat(remote.untried(0, List.of(1, 2, 3), 4, true)).as("every task tried").isEmpty();
    }

    @Test
    void anOfferOnItsWayIsCountedAsTakenSoTheNextDemandsDoNotAllFollowIt() {
        final RemoteSlices remote = new RemoteSlices(0.10);
        final PlaceRequest demand = Fixtures.storageDemand("d1", "c1", 60);
        remote.update(0, List.of(pool(Fixtures.unit("a").price(1_000_000))));
        remote.update(1, List.of(pool(Fixtures.unit("b").price(500_000), Fixtures.unit("b2").price(990_000))));
        assertThat(remote.target(demand, Set.of(), 0, List.of(), true)).hasValue(1);
        remote.sending(1, demand, Set.of());
        // b has 40 GB left as far as task 0 knows: the next 60 GB would land on b2, no cheaper than here
        assertThat(remote.target(demand, Set.of(), 0, List.of(), true)).isEmpty();
    }

    @Test
    void theEstimateIsTheExactProRataPriceOnTheCheapestOfferThatFits() {
        final PoolSummary summary = pool(Fixtures.unit("a").price(1_000_000), Fixtures.unit("b").price(2_000_000).usedGb(50));
        // 10 GB of a's 100 GB at 1.00/h
        assertThat(summary.estimatedPrice(Fixtures.storageDemand("d", "c", 10).capacity())).isEqualTo(100_000);
    }
}
