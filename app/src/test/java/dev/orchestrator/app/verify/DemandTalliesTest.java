package dev.orchestrator.app.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.AllocationChange;
import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.ReasonCode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Invariant 2 and the accounting with demands that waited for capacity: WAITING is not a decision; what ends it is. */
class DemandTalliesTest {
    private final List<Violation> violations = new ArrayList<>();
    private final DemandTallies tallies = new DemandTallies(violations);

    private void result(final String demand, final long sequence, final AllocationStatus status,
                        final AllocationStatus previous, final ReasonCode reason) {
        tallies.result(AllocationResult.newBuilder().setDemandId(demand).setConsumerId("c").setStatus(status)
                .setReason(reason).setDecidedAt(Instant.ofEpochMilli(sequence))
                .setChange(new AllocationChange(sequence, status.name(), previous, null)).build());
    }

    @Test
    void aWaitThenAPlacementOrAnExpiryIsOneDecisionAndAStillWaitingDemandIsNotMissing() {
        tallies.input("placed");
        result("placed", 1, AllocationStatus.WAITING, null, ReasonCode.NO_CAPACITY);
        result("placed", 2, AllocationStatus.PLACED, AllocationStatus.WAITING, ReasonCode.NONE);
        result("placed", 3, AllocationStatus.ACTIVE, AllocationStatus.PLACED, ReasonCode.NONE);
        tallies.input("expired");
        result("expired", 1, AllocationStatus.WAITING, null, ReasonCode.NO_CAPACITY);
        result("expired", 2, AllocationStatus.REJECTED, AllocationStatus.WAITING, ReasonCode.WAIT_EXPIRED);
        tallies.input("waiting");
        result("waiting", 1, AllocationStatus.WAITING, null, ReasonCode.NO_CAPACITY);

        tallies.checkDecisions(List.of());
        tallies.checkAccounting(List.of(), "demand.v1");
        assertThat(violations).isEmpty();
        assertThat(tallies.decisions()).isEqualTo(2);
        assertThat(tallies.stillWaiting()).isEqualTo(1);
    }

    @Test
    void aPreemptedAllocationPlacedAgainKeepsOneDecisionAndItsConsumersBudgetIsChecked() {
        tallies.input("v1");
        result("v1", 1, AllocationStatus.PLACED, null, ReasonCode.NONE);
        tallies.input("v2");
        result("v2", 1, AllocationStatus.PLACED, null, ReasonCode.NONE);
        tallies.input("p");
        preempted("v1", 2, AllocationStatus.PLACED, "preempted by p of prod (priority 10 over this allocation's 0)");
        result("p", 1, AllocationStatus.PLACED, null, ReasonCode.NONE);
        result("v1", 3, AllocationStatus.WAITING, AllocationStatus.PREEMPTED, ReasonCode.NO_CAPACITY);
        result("v1", 4, AllocationStatus.REPLACED, AllocationStatus.WAITING, ReasonCode.NONE);
        tallies.checkDecisions(List.of());
        tallies.checkAccounting(List.of(), "demand.v1");
        // 50% of the 3 "c" held (one of them the preemptor): one preemption is within the budget
        tallies.checkPreemptions(java.util.Map.of(), 50, 3_600_000);
        assertThat(violations).isEmpty();
        assertThat(tallies.decisions()).isEqualTo(3);
        // 33% of 3 rounds down to none
        tallies.checkPreemptions(java.util.Map.of(), 33, 3_600_000);
        assertThat(violations).singleElement().satisfies(v -> assertThat(v.invariant()).isEqualTo(7));
    }

    private void preempted(final String demand, final long sequence, final AllocationStatus previous, final String detail) {
        tallies.result(AllocationResult.newBuilder().setDemandId(demand).setConsumerId("c").setStatus(AllocationStatus.PREEMPTED)
                .setReason(ReasonCode.PREEMPTED).setReasonDetail(detail).setDecidedAt(Instant.ofEpochMilli(sequence))
                .setChange(new AllocationChange(sequence, "PREEMPTED", previous, null)).build());
    }

    @Test
    void aSecondDecisionAfterAWaitAndADemandNeverDecidedAreViolations() {
        tallies.input("twice");
        result("twice", 1, AllocationStatus.PLACED, null, ReasonCode.NONE);
        result("twice", 2, AllocationStatus.WAITING, AllocationStatus.PLACED, ReasonCode.NO_CAPACITY);
        result("twice", 3, AllocationStatus.PLACED, AllocationStatus.WAITING, ReasonCode.NONE);
        tallies.input("lost");
        result("lost", 1, AllocationStatus.WAITING, null, ReasonCode.NO_CAPACITY);
        result("lost", 2, AllocationStatus.REPLACING, AllocationStatus.WAITING, ReasonCode.NONE);

        tallies.checkDecisions(List.of());
        assertThat(violations).extracting(Violation::toString).anySatisfy(v -> assertThat(v).contains("twice").contains("2 decisions"))
                .anySatisfy(v -> assertThat(v).contains("lost").contains("no decision"));
    }
}
