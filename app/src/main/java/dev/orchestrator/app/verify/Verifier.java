package dev.orchestrator.app.verify;

import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.topology.model.UnitView;
import dev.orchestrator.topology.serde.InternalSerde;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Checks DESIGN.md section 4 on what a cluster has committed: no overcommit, one decision per
 * demand, quotas held, an audit log that replays to the live state, and inputs accounted for.
 */
public final class Verifier {
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
        final DemandTallies demands = new DemandTallies(violations);
        final long[] recent = new long[1];
        final long demandRecords = reader.readAll(topics.demand.name(), r -> {
            if (r.timestamp() <= cutoff) {
                demands.input(key(r));
                durationOf(r).ifPresent(duration -> demands.duration(key(r), duration));
            } else {
                recent[0]++;
            }
        });
        reader.readAll(topics.allocations.name(), r -> demands.result(topics.allocations.valueSerde().deserializer()
                .deserialize(r.topic(), r.value())));
        final List<DemandTallies.DeadLetter> deadLetters = new ArrayList<>();
        final long dlqRecords = reader.readAll(topics.dlq.name(), r -> deadLetters.add(new DemandTallies.DeadLetter(key(r),
                header(r, "orchestrator.error.topic", header(r, "__streams.errors.topic", "")),
                header(r, "orchestrator.error.reason", ""))));
        final AuditReplay audit = new AuditReplay(violations);
        final long auditRecords = reader.readAll(topics.audit.name(), r -> audit.accept(
                topics.audit.valueSerde().deserializer().deserialize(r.topic(), r.value())));
        final Map<String, UnitView> views = new HashMap<>();
        final org.apache.kafka.common.serialization.Deserializer<UnitView> viewReader =
                InternalSerde.of(UnitView.class).deserializer();
        reader.readAll(topics.unitViews.name(), r -> {
            try {
                views.put(key(r), viewReader.deserialize(r.topic(), r.value()));
            } catch (final RuntimeException e) {
                // a record the engine did not write: it dead-lettered it and never used it
            }
        });
        final Map<String, Policy> policies = new HashMap<>();
        reader.readAll(topics.policy.name(), r -> {
            try {
                policies.put(key(r), topics.policy.valueSerde().deserializer().deserialize(r.topic(), r.value()));
            } catch (final RuntimeException e) {
                // an undecodable policy was dead-lettered by the engine; it never applied
            }
        });

        audit.compareWithViews(views);
        demands.checkDecisions(deadLetters);
        demands.checkQuotas(policies);
        demands.checkBudgets(policies);
        demands.checkAccounting(deadLetters, topics.demand.name());
        return new VerifyReport(demandRecords, recent[0], demands.decisions(), dlqRecords, auditRecords, audit.units(),
                violations);
    }

    private java.util.Optional<Long> durationOf(final ConsumerRecord<byte[], byte[]> record) {
        try {
            return java.util.Optional.ofNullable(topics.demand.valueSerde().deserializer().deserialize(record.topic(),
                    record.value())).map(d -> d.getDurationMillis());
        } catch (final RuntimeException e) {
            // an undecodable demand was dead-lettered; it holds nothing
            return java.util.Optional.empty();
        }
    }

    /** PLACED and REJECTED decide a PLACE; a RELEASE demand is answered RELEASED for another allocation. */
    public static boolean isDecision(final AllocationResult result) {
        if (result.getReason() == ReasonCode.EXECUTION_FAILED
                && (result.getStatus() == AllocationStatus.PLACED || result.getStatus() == AllocationStatus.REJECTED)) {
            // a placement whose provisioning failed, moved or given up: the demand's first PLACED was its decision
            return false;
        }
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
}
