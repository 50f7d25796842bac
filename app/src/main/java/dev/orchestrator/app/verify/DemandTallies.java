package dev.orchestrator.app.verify;

import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.topology.schedule.DisruptionAudit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Invariants 2, 3 and 5, kept as one small tally per demand rather than the records themselves, so
 * a million-demand run fits in memory: how often it came in and was decided, and when the consumer
 * held its allocation.
 */
final class DemandTallies {
    private static final class Tally {
        private int inputs;
        private int decisions;
        private String consumer;
        private long heldFrom = -1;
        private long heldUntil = Long.MAX_VALUE;
        private long durationMillis;
        private long costMicros;
        private String currency;
        private long lastChange;
        private AllocationStatus lastStatus;
        private boolean chainBroken;
        /** When it was first placed (-1: never), for the allocations a consumer held in a window. */
        private long firstHeld = -1;
        /** When it was first preempted (Long.MAX_VALUE: never), for the no-chain rule. */
        private long firstPreempted = Long.MAX_VALUE;
    }



    /** A dead letter as far as accounting cares: whose it was, where it came from, why. */
    record DeadLetter(String key, String sourceTopic, String reason) {
    }

    private final List<Violation> violations;
    private final Map<String, Tally> tallies = new HashMap<>();
    private final List<DisruptionAudit.Preemption> preemptions = new ArrayList<>();

    DemandTallies(final List<Violation> violations) {
        this.violations = violations;
    }

    void input(final String demandId) {
        tally(demandId).inputs++;
    }

    /** How long the demand asked for: with the price it was placed at, what its placement holds against the budget. */
    void duration(final String demandId, final long durationMillis) {
        tally(demandId).durationMillis = durationMillis;
    }

    /**
     * Results in their partition's order: decisions count, PLACED (or REPLACED) to RELEASED, EXPIRED or
     * REPLACING is a held span, and an allocation's changes run 1..n, each starting where the last ended.
     */
    void result(final AllocationResult result) {
        final String demand = result.getDemandId();
        if (Verifier.isDecision(result)) {
            tally(demand).decisions++;
        }
        if (result.getChange() != null) {
            chain(demand, result);
        }
        final long at = result.getDecidedAt().toEpochMilli();
        if (result.getStatus() == AllocationStatus.PREEMPTED) {
            final Tally tally = tally(demand);
            tally.firstPreempted = Math.min(tally.firstPreempted, at);
            preemptions.add(new DisruptionAudit.Preemption(demand, result.getConsumerId(), at,
                    DisruptionAudit.preemptor(result.getReasonDetail())));
        }
        if (result.getStatus() == AllocationStatus.PLACED || result.getStatus() == AllocationStatus.REPLACED) {
            final Tally tally = tally(demand);
            tally.consumer = result.getConsumerId();
            tally.firstHeld = tally.firstHeld < 0 ? at : tally.firstHeld;
            tally.heldFrom = at;
            tally.heldUntil = Long.MAX_VALUE;
            if (result.getPricePerHour() != null) {
                // the engine holds ceil(price per hour x hours asked, or 1 h when open-ended) against the budget
                final long priceMicros = result.getPricePerHour().getAmount().movePointRight(6).longValue();
                final double hours = tally.durationMillis > 0 ? tally.durationMillis / 3_600_000.0 : 1.0;
                tally.costMicros = (long) Math.ceil(priceMicros * hours);
                tally.currency = result.getPricePerHour().getCurrency();
            }
        } else if ((result.getStatus() == AllocationStatus.RELEASED || result.getStatus() == AllocationStatus.EXPIRED)
                && demand.equals(result.getAllocationId())
                || result.getStatus() == AllocationStatus.REPLACING || result.getStatus() == AllocationStatus.PREEMPTED
                || result.getStatus() == AllocationStatus.REJECTED && result.getReason() == ReasonCode.EXECUTION_FAILED) {
            final Tally tally = tallies.get(demand);
            if (tally != null && tally.heldFrom >= 0) {
                tally.heldUntil = Math.min(tally.heldUntil, Math.max(at, tally.heldFrom));
            }
        }
    }

    /** Invariant 4 for allocations: the record's change follows the last one read of the same demand. */
    private void chain(final String demand, final AllocationResult result) {
        final Tally tally = tally(demand);
        if (tally.chainBroken) {
            return;
        }
        final long sequence = result.getChange().getSequence();
        if (sequence != tally.lastChange + 1 || result.getChange().getPreviousStatus() != tally.lastStatus) {
            violations.add(new Violation(4, demand, "allocation change " + sequence + " (" + result.getChange().getAction()
                    + " from " + result.getChange().getPreviousStatus() + ") does not follow change " + tally.lastChange
                    + " (" + tally.lastStatus + ")"));
            tally.chainBroken = true;
            return;
        }
        tally.lastChange = sequence;
        tally.lastStatus = result.getStatus();
    }

    /** Invariant 7, disruption budgets and no preemption chains ({@link DisruptionAudit}). */
    void checkPreemptions(final Map<String, Policy> policies, final int defaultPercent, final long windowMillis) {
        if (preemptions.isEmpty()) {
            return;
        }
        final List<DisruptionAudit.Span> spans = new ArrayList<>();
        final Map<String, Long> firstPreempted = new HashMap<>();
        tallies.forEach((demand, t) -> {
            if (t.firstHeld >= 0) {
                spans.add(new DisruptionAudit.Span(t.consumer, t.firstHeld, t.heldUntil));
            }
            if (t.firstPreempted != Long.MAX_VALUE) {
                firstPreempted.put(demand, t.firstPreempted);
            }
        });
        DisruptionAudit.violations(preemptions, spans, firstPreempted, consumer -> {
            final Policy policy = policies.get(consumer);
            return policy == null || policy.getDisruptionBudgetPercent() == null ? defaultPercent
                    : policy.getDisruptionBudgetPercent();
        }, windowMillis).forEach(v -> violations.add(new Violation(7, "*", v)));
    }

    long preemptions() {
        return preemptions.size();
    }

    /** Demands whose last record says they wait for capacity (undecided yet). */
    long stillWaiting() {
        return tallies.values().stream().filter(t -> t.lastStatus == AllocationStatus.WAITING).count();
    }

    /** Invariant 2: one decision per demand, and none missing unless it was dead-lettered (or still waiting). */
    void checkDecisions(final List<DeadLetter> deadLetters) {
        final Set<String> deadKeys = new HashSet<>();
        deadLetters.forEach(d -> deadKeys.add(d.key()));
        tallies.forEach((demand, tally) -> {
            if (tally.decisions > 1) {
                violations.add(new Violation(2, demand, tally.decisions + " decisions"));
            }
            // a demand still waiting for capacity is not decided yet: its decision comes when the wait ends
            if (tally.inputs > 0 && tally.decisions == 0 && !deadKeys.contains(demand)
                    && tally.lastStatus != AllocationStatus.WAITING) {
                violations.add(new Violation(2, demand, "no decision and no dead letter"));
            }
        });
    }

    /** Invariant 3: no consumer ever held more allocations than its policy's maxUnits. */
    void checkQuotas(final Map<String, Policy> policies) {
        final Map<String, List<long[]>> events = new HashMap<>();
        tallies.values().forEach(tally -> {
            if (tally.heldFrom < 0) {
                return;
            }
            final List<long[]> list = events.computeIfAbsent(tally.consumer, c -> new ArrayList<>());
            list.add(new long[] {tally.heldFrom, 1});
            if (tally.heldUntil != Long.MAX_VALUE) {
                list.add(new long[] {tally.heldUntil, -1});
            }
        });
        events.forEach((consumer, list) -> {
            final Policy policy = policies.get(consumer);
            if (policy == null || policy.getMaxUnits() == null) {
                return;
            }
            // an end at the same millisecond as a start frees its slot first
            list.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
            long held = 0;
            for (final long[] event : list) {
                held += event[1];
                if (held > policy.getMaxUnits()) {
                    violations.add(new Violation(3, consumer, "held " + held + " allocations at "
                            + java.time.Instant.ofEpochMilli(event[0]) + ", quota " + policy.getMaxUnits()));
                    return;
                }
            }
        });
    }

    /**
     * Invariant 3, budgets: what a consumer's allocations hold at any moment never exceeds its budget.
     * The engine holds each placement's up-front cost from before it is placed until it ends, plus
     * what ended ones cost this period, within the budget; so the cost of what is held at once must
     * fit too. A budget in another currency than the prices is skipped (the rates are engine config).
     */
    void checkBudgets(final Map<String, Policy> policies) {
        final Map<String, List<long[]>> events = new HashMap<>();
        tallies.values().forEach(tally -> {
            final Policy policy = policies.get(tally.consumer);
            if (tally.heldFrom < 0 || policy == null || policy.getBudget() == null
                    || !policy.getBudget().getCurrency().equals(tally.currency)) {
                return;
            }
            final List<long[]> list = events.computeIfAbsent(tally.consumer, c -> new ArrayList<>());
            list.add(new long[] {tally.heldFrom, tally.costMicros});
            if (tally.heldUntil != Long.MAX_VALUE) {
                list.add(new long[] {tally.heldUntil, -tally.costMicros});
            }
        });
        events.forEach((consumer, list) -> {
            final long budget = policies.get(consumer).getBudget().getAmount().movePointRight(6).longValue();
            list.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
            long held = 0;
            for (final long[] event : list) {
                held += event[1];
                if (held > budget) {
                    violations.add(new Violation(3, consumer, "held allocations costing " + held + " micros at "
                            + java.time.Instant.ofEpochMilli(event[0]) + ", budget " + budget));
                    return;
                }
            }
        });
    }

    /** Invariant 5: every settled demand record was decided or dead-lettered (an invalid one, both). */
    void checkAccounting(final List<DeadLetter> deadLetters, final String demandTopic) {
        long fromDemand = 0;
        long both = 0;
        for (final DeadLetter letter : deadLetters) {
            final Tally tally = tallies.get(letter.key());
            if (letter.sourceTopic().equals(demandTopic) && tally != null && tally.inputs > 0) {
                fromDemand++;
                if ("INVALID_INPUT".equals(letter.reason()) && tally.decisions > 0) {
                    both++;
                }
            }
        }
        long records = 0;
        long decided = 0;
        long waiting = 0;
        for (final Tally tally : tallies.values()) {
            if (tally.inputs > 0) {
                records += tally.inputs;
                decided += tally.decisions;
                waiting += tally.decisions == 0 && tally.lastStatus == AllocationStatus.WAITING ? 1 : 0;
            }
        }
        if (records != decided + fromDemand - both + waiting) {
            violations.add(new Violation(5, "*", "demand records " + records + " != decisions " + decided
                    + " + dead letters " + fromDemand + " - both " + both + " + still waiting " + waiting));
        }
    }

    long decisions() {
        return tallies.values().stream().mapToLong(t -> t.decisions).sum();
    }

    private Tally tally(final String demand) {
        return tallies.computeIfAbsent(demand, d -> new Tally());
    }
}
