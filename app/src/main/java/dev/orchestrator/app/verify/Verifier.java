package dev.orchestrator.app.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.AuditEvent;
import dev.orchestrator.avro.EntityType;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.topology.model.UnitView;
import dev.orchestrator.topology.serde.InternalSerde;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Checks DESIGN.md section 4 on what a cluster has committed: no overcommit, one decision per
 * demand, quotas held, an audit log that replays to the live state, and inputs accounted for.
 */
public final class Verifier {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ALLOCATABLE = Set.of("AVAILABLE", "RESERVED", "IN_USE");

    private final Topics topics;
    private final TopicReader reader;
    private final List<Violation> violations = new ArrayList<>();

    public Verifier(final Topics topics, final String bootstrap, final Map<String, String> clientSettings) {
        this.topics = topics;
        this.reader = new TopicReader(bootstrap, clientSettings);
    }

    public VerifyReport verify() {
        final Map<String, Integer> inputs = new HashMap<>();
        final long demandRecords = reader.readAll(topics.demand.name(), r -> inputs.merge(key(r), 1, Integer::sum));
        final List<AllocationResult> results = new ArrayList<>();
        reader.readAll(topics.allocations.name(), r -> results.add(topics.allocations.valueSerde().deserializer()
                .deserialize(r.topic(), r.value())));
        final List<ConsumerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
        final long dlqRecords = reader.readAll(topics.dlq.name(), deadLetters::add);
        final Map<String, List<AuditEvent>> audit = new HashMap<>();
        final long auditRecords = reader.readAll(topics.audit.name(), r -> {
            final AuditEvent event = topics.audit.valueSerde().deserializer().deserialize(r.topic(), r.value());
            audit.computeIfAbsent(event.getEntityType() + "/" + event.getEntityId(), k -> new ArrayList<>()).add(event);
        });
        final Map<String, UnitView> views = new HashMap<>();
        reader.readAll(topics.unitViews.name(), r -> views.put(key(r), InternalSerde.of(UnitView.class).deserializer()
                .deserialize(r.topic(), r.value())));
        final Map<String, Policy> policies = new HashMap<>();
        reader.readAll(topics.policy.name(), r -> {
            try {
                policies.put(key(r), topics.policy.valueSerde().deserializer().deserialize(r.topic(), r.value()));
            } catch (final RuntimeException e) {
                // an undecodable policy was dead-lettered by the engine; it never applied
            }
        });

        checkCapacity(audit);
        final Map<String, Integer> decisions = checkDecisions(inputs, results, deadLetters);
        checkQuotas(results, policies);
        checkAudit(audit, views);
        checkAccounting(demandRecords, decisions, deadLetters);
        final long units = audit.keySet().stream().filter(k -> k.startsWith("DATA_UNIT/")).count();
        return new VerifyReport(demandRecords, decisions.values().stream().mapToLong(Integer::longValue).sum(), dlqRecords,
                auditRecords, units, violations);
    }

    /** Invariant 1: every unit state in the audit log holds no more than its capacity; reservations land on allocatable units. */
    private void checkCapacity(final Map<String, List<AuditEvent>> audit) {
        audit.forEach((entity, events) -> {
            if (!entity.startsWith("DATA_UNIT/")) {
                return;
            }
            for (final AuditEvent event : events) {
                final JsonNode after = json(event.getAfter());
                for (final String dimension : List.of("cpuMillis", "memoryBytes", "storageBytes", "gpuCount")) {
                    final long used = after.path("used").path(dimension).asLong();
                    final long capacity = after.path("capacity").path(dimension).asLong();
                    if (used > capacity) {
                        violations.add(new Violation(1, event.getEntityId(), "overcommitted at audit sequence "
                                + event.getSequence() + ": " + dimension + " used " + used + " > capacity " + capacity));
                    }
                }
                if (event.getAction().equals("RESERVED") && event.getBefore() != null) {
                    final JsonNode before = json(event.getBefore());
                    if (!ALLOCATABLE.contains(before.path("state").asText()) || !before.path("healthy").asBoolean()) {
                        violations.add(new Violation(1, event.getEntityId(), "reserved while "
                                + before.path("state").asText() + (before.path("healthy").asBoolean() ? "" : ", unhealthy")));
                    }
                }
            }
        });
    }

    /** Invariant 2: one decision per demand, and none missing. */
    private Map<String, Integer> checkDecisions(final Map<String, Integer> inputs, final List<AllocationResult> results,
                                                final List<ConsumerRecord<byte[], byte[]>> deadLetters) {
        final Map<String, Integer> decisions = new HashMap<>();
        for (final AllocationResult result : results) {
            if (isDecision(result)) {
                decisions.merge(result.getDemandId(), 1, Integer::sum);
            }
        }
        decisions.forEach((demand, count) -> {
            if (count > 1) {
                violations.add(new Violation(2, demand, count + " decisions"));
            }
        });
        final Set<String> deadKeys = new HashSet<>();
        deadLetters.forEach(r -> deadKeys.add(key(r)));
        inputs.keySet().forEach(demand -> {
            if (!decisions.containsKey(demand) && !deadKeys.contains(demand)) {
                violations.add(new Violation(2, demand, "no decision and no dead letter"));
            }
        });
        return decisions;
    }

    /** Invariant 3: no consumer ever held more allocations than its policy's maxUnits. */
    private void checkQuotas(final List<AllocationResult> results, final Map<String, Policy> policies) {
        final List<AllocationResult> ordered = new ArrayList<>(results);
        // releases first on a tie: a placement decided in the same millisecond saw the freed slot
        ordered.sort(Comparator.comparing(AllocationResult::getDecidedAt).thenComparing(r -> r.getStatus() == AllocationStatus.PLACED));
        final Map<String, Integer> held = new HashMap<>();
        final Set<String> live = new HashSet<>();
        for (final AllocationResult result : ordered) {
            final String consumer = result.getConsumerId();
            if (result.getStatus() == AllocationStatus.PLACED) {
                live.add(result.getDemandId());
                final int now = held.merge(consumer, 1, Integer::sum);
                final Policy policy = policies.get(consumer);
                if (policy != null && policy.getMaxUnits() != null && now > policy.getMaxUnits()) {
                    violations.add(new Violation(3, consumer, "holds " + now + " allocations, quota " + policy.getMaxUnits()
                            + " (at " + result.getDemandId() + ")"));
                }
            } else if ((result.getStatus() == AllocationStatus.RELEASED || result.getStatus() == AllocationStatus.EXPIRED)
                    && result.getDemandId().equals(result.getAllocationId()) && live.remove(result.getDemandId())) {
                held.merge(consumer, -1, Integer::sum);
            }
        }
    }

    /** Invariant 4: per entity, audit sequences run 1..n, each change starts where the last ended, and the end is the live state. */
    private void checkAudit(final Map<String, List<AuditEvent>> audit, final Map<String, UnitView> views) {
        audit.forEach((entity, events) -> {
            String previous = null;
            for (int i = 0; i < events.size(); i++) {
                final AuditEvent event = events.get(i);
                if (event.getSequence() != i + 1) {
                    violations.add(new Violation(4, entity, "audit sequence " + event.getSequence() + " where " + (i + 1)
                            + " was expected"));
                    return;
                }
                if (i > 0 && event.getBefore() != null && !json(event.getBefore()).equals(json(previous))) {
                    violations.add(new Violation(4, entity, "change " + event.getSequence() + " does not start where "
                            + (i) + " ended"));
                    return;
                }
                previous = event.getAfter();
            }
            if (entity.startsWith(EntityType.DATA_UNIT + "/") && previous != null) {
                final String unit = entity.substring(entity.indexOf('/') + 1);
                final UnitView view = views.get(unit);
                final JsonNode replayed = json(previous);
                if (view == null) {
                    violations.add(new Violation(4, unit, "audited but never published to the unit view"));
                } else if (!view.state().equals(replayed.path("state").asText())
                        || view.free().storageBytes() != replayed.path("capacity").path("storageBytes").asLong()
                        - replayed.path("used").path("storageBytes").asLong()) {
                    violations.add(new Violation(4, unit, "audit replay gives " + replayed.path("state").asText()
                            + " but the live view is " + view.state()));
                }
            }
        });
    }

    /** Invariant 5: every demand record was decided or dead-lettered (an invalid one, both). */
    private void checkAccounting(final long demandRecords, final Map<String, Integer> decisions,
                                 final List<ConsumerRecord<byte[], byte[]>> deadLetters) {
        long fromDemand = 0;
        long both = 0;
        for (final ConsumerRecord<byte[], byte[]> record : deadLetters) {
            final String source = header(record, "orchestrator.error.topic", header(record, "__streams.errors.topic", ""));
            if (source.equals(topics.demand.name())) {
                fromDemand++;
                if ("INVALID_INPUT".equals(header(record, "orchestrator.error.reason", "")) && decisions.containsKey(key(record))) {
                    both++;
                }
            }
        }
        final long decided = decisions.values().stream().mapToLong(Integer::longValue).sum();
        if (demandRecords != decided + fromDemand - both) {
            violations.add(new Violation(5, "*", "demand records " + demandRecords + " != decisions " + decided
                    + " + dead letters " + fromDemand + " - both " + both));
        }
    }

    /** PLACED and REJECTED decide a PLACE; a RELEASE demand is answered RELEASED for another allocation. */
    static boolean isDecision(final AllocationResult result) {
        return result.getStatus() == AllocationStatus.PLACED || result.getStatus() == AllocationStatus.REJECTED
                || result.getStatus() == AllocationStatus.RELEASED && result.getAllocationId() != null
                && !result.getAllocationId().equals(result.getDemandId());
    }

    private static String key(final ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
    }

    private static String header(final ConsumerRecord<byte[], byte[]> record, final String name, final String otherwise) {
        final Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? otherwise : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static JsonNode json(final String text) {
        try {
            return JSON.readTree(text == null ? "null" : text);
        } catch (final IOException e) {
            throw new UncheckedIOException("audit or view record is not JSON: " + text, e);
        }
    }
}
