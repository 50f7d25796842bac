package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.topology.decision.AllocationRecord;
import dev.orchestrator.topology.ledger.UnitHeader;
import org.junit.jupiter.api.Test;

/** The engine's tasks register their stores for the read API while they run, and only then. */
class LocalStoresTest {
    @Test
    void runningTasksOfferTheirStoresAndWithdrawThemOnClose() {
        final EngineHarness engine = new EngineHarness();
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("d1", "c1", 10);

        assertThat(engine.local.<String>get(StoreNames.DEMAND_IDS, 0).get("d1")).isEqualTo("c1");
        final AllocationRecord record = engine.local.<AllocationRecord>get(StoreNames.ALLOCATIONS, 0)
                .get(StoreNames.allocationKey("c1", "d1"));
        assertThat(record.unitId()).isEqualTo("u1");
        assertThat(engine.local.<UnitHeader>get(StoreNames.UNITS, 0).get("u1")).isNotNull();
        assertThat(engine.local.get(StoreNames.RESERVATIONS, 0)).isNotNull();
        assertThat(engine.local.get(StoreNames.UNITS, 1)).as("no task for partition 1 here").isNull();

        engine.close();

        assertThat(engine.local.get(StoreNames.DEMAND_IDS, 0)).isNull();
        assertThat(engine.local.get(StoreNames.ALLOCATIONS, 0)).isNull();
        assertThat(engine.local.get(StoreNames.UNITS, 0)).isNull();
    }
}
