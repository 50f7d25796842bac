package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.AuditEvent;
import dev.orchestrator.avro.EntityType;
import dev.orchestrator.avro.UnitChange;
import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.model.DemandRecord;
import dev.orchestrator.topology.model.Hosted;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * DESIGN.md section 4 checked on what the engine committed: its output topics and its stores. Units
 * are storage-only here, so "used" is storage bytes.
 */
final class Invariants {
    private static final Set<String> ALLOCATABLE = Set.of("AVAILABLE", "RESERVED", "IN_USE");

    /** One audited change of a unit, from audit.v1 or from a decision record: what it held and was before and after. */
    private record Change(long sequence, String action, Long usedBefore, String stateBefore, Boolean healthyBefore,
                          long usedAfter, String stateAfter, long capacity, String source) {
    }

    private Invariants() {
    }

    /** What was committed, as the checks read it. */
    record Committed(List<AllocationResult> decisions, List<AuditEvent> audit, List<Map<String, DemandRecord>> demandStores,
                     List<Map<String, Hosted>> hostedStores) {
    }

    /** Whether a decision record is a demand's decision (PLACED or REJECTED, or a RELEASE demand's answer). */
    static boolean isDecision(final AllocationResult result) {
        return dev.orchestrator.topology.emit.Decisions.isDecision(result);
    }

    static void check(final Committed committed, final Map<String, Integer> maxUnits, final Map<String, Long> budgets) {
        final Map<String, List<Change>> units = unitChanges(committed);
        units.forEach((unit, changes) -> {
            changes.sort(Comparator.comparingLong(Change::sequence));
            for (int i = 0; i < changes.size(); i++) {
                final Change change = changes.get(i);
                // invariant 1: nothing held beyond capacity, nothing reserved on a unit that takes no placements
                assertThat(change.usedAfter()).as("%s used after change %d (%s)", unit, change.sequence(), change.source())
                        .isLessThanOrEqualTo(change.capacity());
                if (change.action().equals("RESERVED") && change.stateBefore() != null) {
                    assertThat(ALLOCATABLE).as("%s reserved while %s", unit, change.stateBefore()).contains(change.stateBefore());
                    assertThat(change.healthyBefore()).as("%s reserved while unhealthy", unit).isTrue();
                }
                // invariant 4: a unit's committed changes run 1..n, each starting where the last ended
                assertThat(change.sequence()).as("sequence of %s (%s)", unit, changes).isEqualTo(i + 1L);
                if (i > 0 && change.usedBefore() != null) {
                    final Change last = changes.get(i - 1);
                    assertThat(change.usedBefore()).as("%s change %d starts where %d ended", unit, change.sequence(),
                            last.sequence()).isEqualTo(last.usedAfter());
                    assertThat(change.stateBefore()).as("%s change %d state", unit, change.sequence()).isEqualTo(last.stateAfter());
                }
            }
        });
        checkAllocations(committed.decisions());
        checkReplay(committed, units);
        checkLimits(committed, maxUnits, budgets);
    }

    /**
     * Invariant 7: no consumer lost more than its disruption budget ({@code percentOf}, in percent) of
     * what it held within a window ending at a preemption, and no demand preempted after being preempted.
     */
    /** Invariant 8: of each group, none placed or at least its minimum ({@link dev.orchestrator.topology.schedule.GangAudit}). */
    static void checkGangs(final List<AllocationResult> decisions, final List<dev.orchestrator.avro.Demand> sent) {
        final dev.orchestrator.topology.schedule.GangAudit audit = new dev.orchestrator.topology.schedule.GangAudit();
        for (final dev.orchestrator.avro.Demand demand : sent) {
            if (demand.getGroupId() != null) {
                audit.member(demand.getDemandId(), demand.getConsumerId() + "/" + demand.getGroupId(), demand.getMinMembers());
            }
        }
        decisions.stream().filter(r -> r.getStatus() == AllocationStatus.PLACED).forEach(r -> audit.placed(r.getDemandId()));
        assertThat(audit.violations()).as("gangs placed whole or not at all").isEmpty();
    }

    static void checkPreemptions(final List<AllocationResult> decisions, final java.util.function.ToIntFunction<String> percentOf,
                                 final long windowMillis) {
        final List<dev.orchestrator.topology.schedule.DisruptionAudit.Preemption> preemptions = new ArrayList<>();
        final Map<String, Long> firstPreempted = new HashMap<>();
        final Map<String, long[]> spans = new HashMap<>();
        final Map<String, String> consumers = new HashMap<>();
        for (final AllocationResult r : decisions) {
            final long at = r.getDecidedAt().toEpochMilli();
            final AllocationStatus status = r.getStatus();
            if (status == AllocationStatus.PREEMPTED) {
                preemptions.add(new dev.orchestrator.topology.schedule.DisruptionAudit.Preemption(r.getDemandId(),
                        r.getConsumerId(), at, dev.orchestrator.topology.schedule.DisruptionAudit.preemptor(r.getReasonDetail())));
                firstPreempted.merge(r.getDemandId(), at, Math::min);
            }
            if (status == AllocationStatus.PLACED || status == AllocationStatus.REPLACED) {
                consumers.put(r.getDemandId(), r.getConsumerId());
                spans.computeIfAbsent(r.getDemandId(), d -> new long[] {at, Long.MAX_VALUE})[1] = Long.MAX_VALUE;
            } else if (spans.containsKey(r.getDemandId()) && status != AllocationStatus.ACTIVE
                    && status != AllocationStatus.MIGRATING) {
                spans.get(r.getDemandId())[1] = Math.min(spans.get(r.getDemandId())[1], at);
            }
        }
        final List<dev.orchestrator.topology.schedule.DisruptionAudit.Span> held = new ArrayList<>();
        spans.forEach((demand, span) -> held.add(new dev.orchestrator.topology.schedule.DisruptionAudit.Span(
                consumers.get(demand), span[0], span[1])));
        assertThat(dev.orchestrator.topology.schedule.DisruptionAudit.violations(preemptions, held, firstPreempted, percentOf,
                windowMillis)).as("invariant 7: disruption budgets and no preemption chains").isEmpty();
    }

    /** Invariant 2 (at most one decision per demand) and 4 for allocations: sequences 1..n, each from the last status. */
    private static void checkAllocations(final List<AllocationResult> decisions) {
        final Map<String, Long> count = new HashMap<>();
        final Map<String, List<AllocationResult>> chains = new HashMap<>();
        for (final AllocationResult result : decisions) {
            if (isDecision(result)) {
                count.merge(result.getDemandId(), 1L, Long::sum);
            }
            if (result.getChange() != null) {
                chains.computeIfAbsent(result.getDemandId(), d -> new ArrayList<>()).add(result);
            }
        }
        count.forEach((demand, n) -> assertThat(n).as("decisions of %s", demand).isEqualTo(1));
        chains.forEach((demand, chain) -> {
            chain.sort(Comparator.comparingLong(r -> r.getChange().getSequence()));
            for (int i = 0; i < chain.size(); i++) {
                assertThat(chain.get(i).getChange().getSequence()).as("sequence of %s", demand).isEqualTo(i + 1L);
                assertThat(chain.get(i).getChange().getPreviousStatus()).as("%s change %d starts where the last ended",
                        demand, i + 1).isEqualTo(i == 0 ? null : chain.get(i - 1).getStatus());
            }
        });
    }

    /**
     * Invariant 4, replay: what the audit says each unit holds is what the committed records hold on it:
     * allocations on their unit and migration targets (no phantom holds, nothing held twice).
     */
    private static void checkReplay(final Committed committed, final Map<String, List<Change>> units) {
        final Map<String, Long> held = new HashMap<>();
        for (int partition = 0; partition < committed.demandStores().size(); partition++) {
            final int owner = partition;
            committed.demandStores().get(partition).values().forEach(record -> {
                if (record instanceof Allocation a && a.holdsCapacity()) {
                    held.merge(a.unitId(), a.request().capacity().storageBytes(), Long::sum);
                    // a target on the owner's own task; one on another task is that task's hosted record
                    if (a.migration() != null && a.migration().reserved() && a.migration().targetPartition() == owner) {
                        held.merge(a.migration().targetUnit(), a.request().capacity().storageBytes(), Long::sum);
                    }
                }
            });
        }
        committed.hostedStores().forEach(store -> store.values().forEach(h ->
                held.merge(h.unitId(), h.capacity().storageBytes(), Long::sum)));
        units.forEach((unit, changes) -> {
            final long audited = changes.isEmpty() ? 0 : changes.get(changes.size() - 1).usedAfter();
            assertThat(held.getOrDefault(unit, 0L)).as("what the records hold on %s against its audit %s", unit, changes)
                    .isEqualTo(audited);
        });
    }

    /** Invariant 3: quotas and budgets hold across tasks. */
    private static void checkLimits(final Committed committed, final Map<String, Integer> maxUnits,
                                    final Map<String, Long> budgets) {
        final Map<String, Long> units = new HashMap<>();
        final Map<String, Long> costs = new HashMap<>();
        committed.demandStores().forEach(store -> store.values().forEach(record -> {
            if (record instanceof Allocation a && a.holdsCapacity()) {
                units.merge(a.consumerId(), 1L, Long::sum);
                costs.merge(a.consumerId(), a.placement().costMicros(), Long::sum);
            }
        }));
        maxUnits.forEach((consumer, max) -> assertThat(units.getOrDefault(consumer, 0L))
                .as("allocations held by %s", consumer).isLessThanOrEqualTo(max));
        budgets.forEach((consumer, budget) -> assertThat(costs.getOrDefault(consumer, 0L))
                .as("cost held by %s", consumer).isLessThanOrEqualTo(budget));
    }

    private static Map<String, List<Change>> unitChanges(final Committed committed) {
        final Map<String, List<Change>> units = new HashMap<>();
        for (final AuditEvent event : committed.audit()) {
            if (event.getEntityType() != EntityType.DATA_UNIT) {
                continue;
            }
            final JsonNode after = EngineHarness.json(event.getAfter());
            final JsonNode before = event.getBefore() == null ? null : EngineHarness.json(event.getBefore());
            units.computeIfAbsent(event.getEntityId(), u -> new ArrayList<>()).add(new Change(event.getSequence(),
                    event.getAction(), before == null ? null : before.path("used").path("storageBytes").asLong(),
                    before == null ? null : before.path("state").asText(), before == null ? null : before.path("healthy").asBoolean(),
                    after.path("used").path("storageBytes").asLong(), after.path("state").asText(),
                    after.path("capacity").path("storageBytes").asLong(), "audit"));
        }
        for (final AllocationResult result : committed.decisions()) {
            for (final UnitChange change : result.getUnitChanges()) {
                units.computeIfAbsent(change.getDataUnitId(), u -> new ArrayList<>()).add(new Change(change.getSequence(),
                        change.getAction(), change.getUsedBefore().getStorageBytes(), change.getStateBefore().name(),
                        change.getHealthyBefore(), change.getUsedAfter().getStorageBytes(), change.getStateAfter().name(),
                        change.getCapacity().getStorageBytes(), "decision " + result.getDemandId()));
            }
        }
        return units;
    }
}
