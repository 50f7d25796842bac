package dev.orchestrator.schemas.evolution;

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
import dev.orchestrator.schemas.Topics;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;

/** The current value schema of every Avro topic, keyed by the topic's base name. */
public final class TopicSchemas {
    private TopicSchemas() {
    }

    public static Map<String, Schema> current() {
        final Map<String, Schema> schemas = new LinkedHashMap<>();
        schemas.put(Topics.DEMAND, Demand.getClassSchema());
        schemas.put(Topics.TELEMETRY, Telemetry.getClassSchema());
        schemas.put(Topics.POLICY, Policy.getClassSchema());
        schemas.put(Topics.SLA, Sla.getClassSchema());
        schemas.put(Topics.DATA_UNIT, DataUnitEvent.getClassSchema());
        schemas.put(Topics.COMMANDS, PlacementCommand.getClassSchema());
        schemas.put(Topics.OUTCOMES, ExecutionOutcome.getClassSchema());
        schemas.put(Topics.ALLOCATIONS, AllocationResult.getClassSchema());
        schemas.put(Topics.AUDIT, AuditEvent.getClassSchema());
        schemas.put(Topics.METRICS, MetricEvent.getClassSchema());
        schemas.put(Topics.JOBS, ExecutionJob.getClassSchema());
        schemas.put(Topics.FUNDS, FundsRequest.getClassSchema());
        schemas.put(Topics.PAYMENTS, Payment.getClassSchema());
        return schemas;
    }
}
