package dev.orchestrator.topology.decision;

import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.EntityType;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.StoreNames;
import dev.orchestrator.topology.decision.AllocationRecord.Status;
import dev.orchestrator.topology.emit.Counters;
import dev.orchestrator.topology.emit.Nodes;
import dev.orchestrator.topology.emit.Outputs;
import dev.orchestrator.topology.messages.ToLedger;
import dev.orchestrator.topology.messages.ToPlanner;
import dev.orchestrator.topology.normalize.Normalizer;
import dev.orchestrator.topology.serde.InternalSerde;
import dev.orchestrator.topology.state.DecodedStore;
import java.util.Map;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Everything the decision step writes: results, audited allocation changes, ledger and planner messages. */
final class DecisionOutputs {
    private static final InternalSerde<ToLedger> TO_LEDGER = InternalSerde.of(ToLedger.class);
    private static final InternalSerde<ToPlanner> TO_PLANNER = InternalSerde.of(ToPlanner.class);

    private final ProcessorContext<Object, Object> context;
    private final DecodedStore<AllocationRecord> allocations;
    private final Normalizer normalizer;
    private final Counters counters;

    DecisionOutputs(final ProcessorContext<Object, Object> context, final DecodedStore<AllocationRecord> allocations,
                    final Normalizer normalizer, final Counters counters) {
        this.context = context;
        this.allocations = allocations;
        this.normalizer = normalizer;
        this.counters = counters;
    }


    AllocationResult.Builder placedResult(final AllocationRecord record, final AllocationStatus status) {
        return Outputs.result(record.demandId(), record.consumerId(), status, ReasonCode.NONE, context.currentSystemTimeMs())
                .setAllocationId(record.demandId()).setDataUnitId(record.unitId()).setProviderId(record.providerId())
                .setRegion(record.region()).setCapacity(Outputs.capacity(record.request().capacity()))
                .setPricePerHour(normalizer.currency().fromBaseMicros(record.pricePerHourMicros()))
                .setEndpoint(record.endpoint()).setAttempts(Math.max(1, record.attempts()))
                .setCandidates(record.candidates().stream().map(Candidate::toAvro).toList());
    }

    void publish(final AllocationResult result) {
        context.forward(new Record<Object, Object>(result.getDemandId(), result, context.currentSystemTimeMs()),
                Nodes.sink(Nodes.DECIDER, Nodes.ALLOCATIONS));
        counters.increment("decisions_total", Map.of("status", result.getStatus().name(), "reason", result.getReason().name()));
    }

    AllocationRecord save(final AllocationRecord before, final AllocationRecord after, final String action) {
        final String key = key(after.consumerId(), after.demandId());
        // the chain goes on from what is stored, whichever copy the caller derived its change from
        // (a re-placement passes through several records between two audited states)
        final AllocationRecord last = allocations.get(key);
        final AllocationRecord previous = last == null ? before : last;
        final AllocationRecord stored = after.withAuditSequence(previous.auditSequence() + 1);
        allocations.put(key, stored);
        final long now = context.currentSystemTimeMs();
        context.forward(new Record<Object, Object>(after.demandId(), Outputs.audit(EntityType.ALLOCATION, after.demandId(),
                stored.auditSequence(), action, previous.auditSequence() == 0 && previous.status() == Status.PENDING
                        && previous.unitId().isEmpty() ? null : InternalSerde.json(snapshot(previous)),
                InternalSerde.json(snapshot(stored)), "consumer/" + after.consumerId(), now), now), Nodes.sink(Nodes.DECIDER, Nodes.AUDIT));
        return stored;
    }

    private static Map<String, Object> snapshot(final AllocationRecord record) {
        return Map.of("status", record.status().name(), "unit", record.unitId(), "migratingTo", record.migratingTo(),
                "capacity", record.request().capacity(), "pricePerHourMicros", record.pricePerHourMicros());
    }

    void toLedger(final String unitId, final ToLedger message) {
        context.forward(new Record<Object, Object>(unitId, TO_LEDGER.serializer().serialize(null, message),
                context.currentSystemTimeMs()), Nodes.sink(Nodes.DECIDER, Nodes.TO_LEDGER));
    }

    /** Tells the source provider's planner that a migration slot is free. */
    void planner(final String provider, final String allocationId) {
        final ToPlanner done = new ToPlanner.Done(allocationId, provider);
        context.forward(new Record<Object, Object>(provider, TO_PLANNER.serializer().serialize(null, done),
                context.currentSystemTimeMs()), Nodes.sink(Nodes.DECIDER, Nodes.TO_PLANNER));
    }

    static String key(final String consumerId, final String demandId) {
        return StoreNames.allocationKey(consumerId, demandId);
    }
}
