package dev.orchestrator.topology.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.topology.schedule.DisruptionAudit.Preemption;
import dev.orchestrator.topology.schedule.DisruptionAudit.Span;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Invariant 7 on committed output, with the arithmetic: budget shares of what was held in the window, and chains. */
class DisruptionAuditTest {
    private static final long HOUR = 3_600_000;

    /** Four allocations of c held from 0 on. */
    private static final List<Span> FOUR = List.of(new Span("c", 0, Long.MAX_VALUE), new Span("c", 0, Long.MAX_VALUE),
            new Span("c", 10, 500), new Span("c", 20, Long.MAX_VALUE));

    @Test
    void preemptionsWithinTheWindowAreBoundedByTheShareOfWhatWasHeld() {
        final List<Preemption> two = List.of(new Preemption("a", "c", 1_000, "p1"), new Preemption("b", "c", 2_000, "p2"));
        // 50% of 4 held = 2: two preemptions within the hour are allowed
        assertThat(DisruptionAudit.violations(two, FOUR, Map.of(), c -> 50, HOUR)).isEmpty();
        // 25% of 4 = 1: the second is one too many
        assertThat(DisruptionAudit.violations(two, FOUR, Map.of(), c -> 25, HOUR)).singleElement()
                .satisfies(v -> assertThat(v).contains("2 allocations preempted").contains("above 25% of the 4"));
        // an hour apart, each window holds one preemption; in the second only 3 were held (one ended at 500,
        // before the window): 34% of 3 rounds down to 1, fine; 33% of 3 rounds down to 0, one too many
        final List<Preemption> apart = List.of(new Preemption("a", "c", 1_000, "p1"), new Preemption("b", "c", 1_000 + HOUR, "p2"));
        assertThat(DisruptionAudit.violations(apart, FOUR, Map.of(), c -> 34, HOUR)).isEmpty();
        assertThat(DisruptionAudit.violations(apart, FOUR, Map.of(), c -> 33, HOUR)).singleElement()
                .satisfies(v -> assertThat(v).contains("of the 3 it held"));
        // a budget of 0 protects everything
        assertThat(DisruptionAudit.violations(two.subList(0, 1), FOUR, Map.of(), c -> 0, HOUR)).hasSize(1);
    }

    @Test
    void aPreemptorThatWasPreemptedBeforeFormsAChain() {
        final List<Preemption> one = List.of(new Preemption("v", "c", 5_000, "p"));
        assertThat(DisruptionAudit.violations(one, FOUR, Map.of("p", 4_000L), c -> 100, HOUR)).singleElement()
                .satisfies(v -> assertThat(v).contains("p preempted v after it had been preempted itself"));
        // preempted only later: no chain
        assertThat(DisruptionAudit.violations(one, FOUR, Map.of("p", 6_000L), c -> 100, HOUR)).isEmpty();
        assertThat(DisruptionAudit.preemptor("preempted by urgent-1 of prod (priority 10 over this allocation's 0)"))
                .isEqualTo("urgent-1");
        assertThat(DisruptionAudit.preemptor("released by r1")).isEmpty();
    }
}
