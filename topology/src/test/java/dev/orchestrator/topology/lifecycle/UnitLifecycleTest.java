package dev.orchestrator.topology.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.DataUnitState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnitLifecycleTest {
    @ParameterizedTest(name = "{0} -> {1} (allocations: {2}) = {3}")
    @CsvSource({
        // current,       target,          allocations, allowed, next
        "ACTIVE,          MAINTENANCE,     true,  true,  MAINTENANCE",
        "MAINTENANCE,     AVAILABLE,       true,  true,  ACTIVE",
        "ACTIVE,          DECOMMISSIONING, true,  true,  DECOMMISSIONING",
        "ACTIVE,          DECOMMISSIONING, false, true,  DECOMMISSIONED",
        "MAINTENANCE,     DECOMMISSIONING, true,  true,  DECOMMISSIONING",
        "DECOMMISSIONING, AVAILABLE,       true,  false, DECOMMISSIONING",
        "DECOMMISSIONING, MAINTENANCE,     true,  false, DECOMMISSIONING",
        "DECOMMISSIONING, DECOMMISSIONED,  true,  false, DECOMMISSIONING",
        "DECOMMISSIONING, DECOMMISSIONED,  false, true,  DECOMMISSIONED",
        "DECOMMISSIONED,  AVAILABLE,       false, false, DECOMMISSIONED",
        "ACTIVE,          IN_USE,          true,  false, ACTIVE",
        "ACTIVE,          RESERVED,        false, false, ACTIVE",
    })
    void followsTheStateMachine(final OperatorState current, final DataUnitState target, final boolean allocations,
                                final boolean allowed, final OperatorState next) {
        final Transition transition = UnitLifecycle.request(current, target, allocations);

        assertThat(transition.allowed()).isEqualTo(allowed);
        assertThat(transition.next()).isEqualTo(next);
        assertThat(transition.refusal().isEmpty()).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "{0} confirmed={1} pending={2} shows {3}")
    @CsvSource({
        "ACTIVE,      false, false, AVAILABLE",
        "ACTIVE,      false, true,  RESERVED",
        "ACTIVE,      true,  true,  IN_USE",
        "MAINTENANCE, true,  false, MAINTENANCE",
    })
    void showsUsageWhileActive(final OperatorState state, final boolean confirmed, final boolean pending,
                               final DataUnitState shown) {
        assertThat(UnitLifecycle.visible(state, confirmed, pending)).isEqualTo(shown);
    }
}
