package dev.orchestrator.schemas;

import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AuditEvent;
import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.ExecutionJob;
import dev.orchestrator.avro.ExecutionOutcome;
import dev.orchestrator.avro.FundsRequest;
import dev.orchestrator.avro.Payment;
import dev.orchestrator.avro.MetricEvent;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.avro.Sla;
import dev.orchestrator.avro.Telemetry;
import dev.orchestrator.schemas.serde.AvroSerdes;
import dev.orchestrator.schemas.serde.SchemaRegistry;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Every topic of the product, named once, with a configurable prefix. */
public final class Topics {
    public static final String DEMAND = "demand.v1";
    public static final String TELEMETRY = "telemetry.v1";
    public static final String POLICY = "policy.v1";
    public static final String SLA = "sla.v1";
    public static final String DATA_UNIT = "data-unit.v1";
    public static final String COMMANDS = "commands.v1";
    public static final String OUTCOMES = "outcomes.v1";
    public static final String ALLOCATIONS = "allocations.v1";
    public static final String AUDIT = "audit.v1";
    public static final String METRICS = "metrics.v1";
    public static final String DLQ = "dlq.v1";
    /** Compacted: the latest state of every executor job, keyed by command id. */
    public static final String JOBS = "jobs.v1";
    /**
     * Internal: what one engine task tells another (a demand that moves to the task owning a fitting
     * unit, lease grants and recalls, copies of policies and SLAs, pool summaries, migration steps),
     * written to the partition of the task it is for. Co-partitioned with the input topics.
     */
    public static final String ROUTE = "engine.route";
    /** Money in: deposits, stakes and slash reversals, read by the escrow ledger. */
    public static final String FUNDS = "funds.v1";
    /** Every movement of money the escrow ledger makes. */
    public static final String PAYMENTS = "payments.v1";
    /**
     * Internal: everything the escrow ledger acts on (allocation changes, SLA terms, breaches, funds
     * requests), in one partition, so the one ledger task moves money between any two accounts in one
     * transaction.
     */
    public static final String LEDGER = "payments.ledger";
    /**
     * Compacted: the settlement worker's signed Stellar envelope of each payment and where it stands,
     * keyed by payment id, written before the envelope is first submitted.
     */
    public static final String SETTLEMENTS = "settlements.v1";
    /**
     * Internal: what the stack engine acts on, keyed by stack id: requests from the HTTP API and what
     * became of each demand it made (written by the engine task that decided it).
     */
    public static final String STACKS = "stacks.input";

    public final Topic<String, Demand> demand;
    public final Topic<String, Telemetry> telemetry;
    public final Topic<String, Policy> policy;
    public final Topic<String, Sla> sla;
    public final Topic<String, DataUnitEvent> dataUnit;
    public final Topic<String, PlacementCommand> commands;
    public final Topic<String, ExecutionOutcome> outcomes;
    public final Topic<String, AllocationResult> allocations;
    public final Topic<String, AuditEvent> audit;
    public final Topic<String, MetricEvent> metrics;
    public final Topic<String, ExecutionJob> jobs;
    public final Topic<String, FundsRequest> funds;
    public final Topic<String, Payment> payments;
    /** The ledger's own topic; its typed serde lives with the ledger. */
    public final Topic<String, byte[]> ledger;
    /** The settlement worker's own topic (JSON values it alone reads and writes). */
    public final Topic<String, byte[]> settlements;
    /** Dead letters keep the original bytes untouched, so nothing is lost by re-encoding. */
    public final Topic<byte[], byte[]> dlq;
    /** The engine's own topic; its typed serde lives with the engine, which alone reads and writes it. */
    public final Topic<String, byte[]> route;
    /** The stack engine's input; its typed serde lives with the stack engine. */
    public final Topic<String, byte[]> stacks;

    private final String prefix;

    private Topics(final String prefix, final AvroSerdes serdes) {
        this.prefix = prefix;
        final Serde<String> keys = Serdes.String();
        demand = new Topic<>(prefix + DEMAND, keys, serdes.forClass(Demand.class));
        telemetry = new Topic<>(prefix + TELEMETRY, keys, serdes.forClass(Telemetry.class));
        policy = new Topic<>(prefix + POLICY, keys, serdes.forClass(Policy.class));
        sla = new Topic<>(prefix + SLA, keys, serdes.forClass(Sla.class));
        dataUnit = new Topic<>(prefix + DATA_UNIT, keys, serdes.forClass(DataUnitEvent.class));
        commands = new Topic<>(prefix + COMMANDS, keys, serdes.forClass(PlacementCommand.class));
        outcomes = new Topic<>(prefix + OUTCOMES, keys, serdes.forClass(ExecutionOutcome.class));
        allocations = new Topic<>(prefix + ALLOCATIONS, keys, serdes.forClass(AllocationResult.class));
        audit = new Topic<>(prefix + AUDIT, keys, serdes.forClass(AuditEvent.class));
        metrics = new Topic<>(prefix + METRICS, keys, serdes.forClass(MetricEvent.class));
        jobs = new Topic<>(prefix + JOBS, keys, serdes.forClass(ExecutionJob.class));
        funds = new Topic<>(prefix + FUNDS, keys, serdes.forClass(FundsRequest.class));
        payments = new Topic<>(prefix + PAYMENTS, keys, serdes.forClass(Payment.class));
        ledger = new Topic<>(prefix + LEDGER, keys, Serdes.ByteArray());
        settlements = new Topic<>(prefix + SETTLEMENTS, keys, Serdes.ByteArray());
        dlq = new Topic<>(prefix + DLQ, Serdes.ByteArray(), Serdes.ByteArray());
        route = new Topic<>(prefix + ROUTE, keys, Serdes.ByteArray());
        stacks = new Topic<>(prefix + STACKS, keys, Serdes.ByteArray());
    }

    /** Topics named {@code prefix + base name}, with Avro values registered in {@code registry}. */
    public static Topics create(final String prefix, final SchemaRegistry registry) {
        return new Topics(prefix, new AvroSerdes(registry));
    }

    public String prefix() {
        return prefix;
    }

    /**
     * The topics one engine task reads a partition of each: they must have the same number of
     * partitions, so a unit's registrations, heartbeats and commands meet on the task that owns it.
     */
    public List<Topic<?, ?>> copartitioned() {
        return List.of(demand, telemetry, policy, sla, dataUnit, outcomes, route);
    }

    /** Every public topic in data-flow order, for printing. */
    public List<Topic<?, ?>> all() {
        return List.of(demand, telemetry, policy, sla, dataUnit, commands, outcomes, allocations, audit, metrics, jobs, funds,
                payments, dlq);
    }

    /** The topic named {@code name} (public or internal), or null. */
    public Topic<?, ?> byName(final String name) {
        for (final Topic<?, ?> topic : all()) {
            if (topic.name().equals(name)) {
                return topic;
            }
        }
        for (final Topic<?, ?> topic : internal()) {
            if (topic.name().equals(name)) {
                return topic;
            }
        }
        return null;
    }

    /** The engine's internal topics, created with the public ones. */
    public List<Topic<?, ?>> internal() {
        return List.of(route, ledger, settlements, stacks);
    }

    /**
     * Topics of one partition whatever the engine's count: the escrow ledger's input, so all money
     * moves in one task, and its output, so every reader sees the movements in the ledger's order and
     * any committed cut of it is a prefix.
     */
    public boolean isSinglePartition(final Topic<?, ?> topic) {
        return topic == ledger || topic == payments || topic == settlements;
    }

    /** Tables are compacted: only the latest value per key matters. */
    public boolean isCompacted(final Topic<?, ?> topic) {
        return topic == policy || topic == sla || topic == jobs || topic == settlements;
    }
}
