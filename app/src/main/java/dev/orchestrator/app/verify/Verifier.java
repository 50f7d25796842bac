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

    private final long settleMillis;

    /** {@code settleMillis}: demand younger than this is not expected to be decided yet (0 after a finished run). */
    public Verifier(final Topics topics, final String bootstrap, final Map<String, String> clientSettings,
                    final long settleMillis) {
        this.topics = topics;
        this.reader = new TopicReader(bootstrap, clientSettings);
        this.settleMillis = settleMillis;
    }

    public VerifyReport verify() {
        // on a live cluster, records younger than this may still be on their way through the engine
        final long cutoff = System.currentTimeMillis() - settleMillis;
        final Map<String, Integer> inputs = new HashMap<>();
        final long[] recent = new long[1];
        final long demandRecords = reader.readAll(topics.demand.name(), r -> {
            if (r.timestamp() <= cutoff) {
                inputs.merge(key(r), 1, Integer::sum);
            } else {
                recent[0]++;
            }
        });
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
        final org.apache.kafka.common.serialization.Deserializer<UnitView> viewReader =
                InternalSerde.of(UnitView.class).deserializer();
        reader.readAll(topics.unitViews.name(), r -> views.put(key(r), viewReader.deserialize(r.topic(), r.value())));
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
        checkAccounting(inputs, decisions, deadLetters);
        final long units = audit.keySet().stream().filter(k -> k.startsWith("DATA_UNIT/")).count();
        return new VerifyReport(demandRecords, recent[0], decisions.values().stream().mapToLong(Integer::longValue).sum(),
                dlqRecords, auditRecords, units, violations);
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

    /**
     * Invariant 3: no consumer ever held more allocations than its policy's maxUnits. Each allocation
     * holds from its PLACED to its end (RELEASED or EXPIRED), read in its own partition's order.
     */
    private void checkQuotas(final List<AllocationResult> results, final Map<String, Policy> policies) {
        final Map<String, long[]> spans = new HashMap<>();
        final Map<String, String> consumerOf = new HashMap<>();
        for (final AllocationResult result : results) {
            final String demand = result.getDemandId();
            final long at = result.getDecidedAt().toEpochMilli();
            if (result.getStatus() == AllocationStatus.PLACED) {
                spans.put(demand, new long[] {at, Long.MAX_VALUE});
                consumerOf.put(demand, result.getConsumerId());
            } else if ((result.getStatus() == AllocationStatus.RELEASED || result.getStatus() == AllocationStatus.EXPIRED)
                    && demand.equals(result.getAllocationId()) && spans.containsKey(demand)) {
                final long[] span = spans.get(demand);
                span[1] = Math.min(span[1], Math.max(at, span[0]));
            }
        }
        // a sweep per consumer: an end at the same millisecond as a start frees its slot first
        final Map<String, List<long[]>> events = new HashMap<>();
        spans.forEach((demand, span) -> {
            final List<long[]> list = events.computeIfAbsent(consumerOf.get(demand), c -> new ArrayList<>());
            list.add(new long[] {span[0], 1});
            if (span[1] != Long.MAX_VALUE) {
                list.add(new long[] {span[1], -1});
            }
        });
        events.forEach((consumer, list) -> {
            final Policy policy = policies.get(consumer);
            if (policy == null || policy.getMaxUnits() == null) {
                return;
            }
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
                } else if (view.version() == events.get(events.size() - 1).getSequence()
                        && (!view.state().equals(replayed.path("state").asText())
                        || view.free().storageBytes() != replayed.path("capacity").path("storageBytes").asLong()
                        - replayed.path("used").path("storageBytes").asLong())) {
                    violations.add(new Violation(4, unit, "audit replay gives " + replayed.path("state").asText()
                            + " with " + replayed.path("used").path("storageBytes").asLong() + " B used but the live view (version "
                            + view.version() + ") is " + view.state() + " with " + view.free().storageBytes() + " B free"));
                }
            }
        });
    }

    /** Invariant 5: every settled demand record was decided or dead-lettered (an invalid one, both). */
    private void checkAccounting(final Map<String, Integer> inputs, final Map<String, Integer> decisions,
                                 final List<ConsumerRecord<byte[], byte[]>> deadLetters) {
        long fromDemand = 0;
        long both = 0;
        for (final ConsumerRecord<byte[], byte[]> record : deadLetters) {
            final String source = header(record, "orchestrator.error.topic", header(record, "__streams.errors.topic", ""));
            if (source.equals(topics.demand.name()) && inputs.containsKey(key(record))) {
                fromDemand++;
                if ("INVALID_INPUT".equals(header(record, "orchestrator.error.reason", "")) && decisions.containsKey(key(record))) {
                    both++;
                }
            }
        }
        final long records = inputs.values().stream().mapToLong(Integer::longValue).sum();
        final long decided = inputs.keySet().stream().mapToLong(k -> decisions.getOrDefault(k, 0)).sum();
        if (records != decided + fromDemand - both) {
            violations.add(new Violation(5, "*", "demand records " + records + " != decisions " + decided
                    + " + dead letters " + fromDemand + " - both " + both));
        }
    }

    /** PLACED and REJECTED decide a PLACE; a RELEASE demand is answered RELEASED for another allocation. */
    public static boolean isDecision(final AllocationResult result) {
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
