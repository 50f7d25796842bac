package dev.orchestrator.api.ingest;

import dev.orchestrator.avro.BudgetPeriod;
import dev.orchestrator.avro.DataUnitState;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.avro.ScoringStrategy;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The JSON bodies of the write routes, bound strictly by {@link StrictJson}: an unknown field, a
 * wrong type or an unknown enum symbol is refused with its path. Absent optional fields are null.
 */
final class Bodies {
    private Bodies() {
    }

    /** POST /v1/demands. Without {@code demandId} the server picks one. */
    record DemandBody(String demandId, String consumerId, DemandType type, ResourceKind kind, ResourcesBody resources,
                      List<String> regions, MoneyBody maxPricePerHour, String slaId, Long durationMillis,
                      String releaseOf, Map<String, String> labels, Integer priority, Long maxWaitSeconds,
                      String groupId, Integer minMembers, Long groupTimeoutSeconds) {
    }

    /** Capacity as quantities with units: {@code "cpu": "2 vcpu", "memory": "4GiB", "storage": "500 GB"}. */
    record ResourcesBody(String cpu, String memory, String storage, Integer gpuCount, String gpuType) {
    }

    /** A price or budget: a decimal amount (string or number, at most 6 decimals) and an ISO currency. */
    record MoneyBody(BigDecimal amount, String currency) {
    }

    /** POST /v1/telemetry: a heartbeat of a registered unit. */
    record TelemetryBody(String dataUnitId, String providerId, Long observedAt, Double latencyMillis, Boolean available,
                         CapacityBody usedCapacity) {
    }

    /** Canonical capacity: millicores and bytes. */
    record CapacityBody(Long cpuMillis, Long memoryBytes, Long storageBytes, Integer gpuCount) {
    }

    /** POST /v1/data-units: a provider registers (or re-registers) a unit. */
    record DataUnitBody(String dataUnitId, String providerId, ResourceKind kind, String region, String pool,
                        ResourcesBody capacity, MoneyBody pricePerHour, Double advertisedLatencyMillis,
                        Double advertisedAvailability, Map<String, String> labels, MoneyBody priceFloor,
                        MoneyBody priceCap) {
    }

    /** POST /v1/policies: a consumer's quotas, budget and preferences (replaces the previous policy). */
    record PolicyBody(String consumerId, Integer maxUnits, CapacityBody maxCapacity, MoneyBody budget,
                      BudgetPeriod budgetPeriod, List<String> allowedRegions, List<String> deniedProviders,
                      MoneyBody maxPricePerHour, ScoringStrategy strategy, Map<String, Double> weights,
                      Integer priority, Long maxWaitSeconds, Integer disruptionBudgetPercent) {
    }

    /** POST /v1/slas. */
    record SlaBody(String slaId, Double maxLatencyMillis, Double minAvailability, Long windowMillis, Integer penaltyPercent) {
    }

    /** PUT /v1/data-units/{id}/state: an operator's lifecycle change. */
    record StateBody(DataUnitState state, String reason) {
    }
}
