package dev.orchestrator.topology.decision;

import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.topology.EngineSettings;
import dev.orchestrator.topology.decision.AllocationRecord.Status;
import dev.orchestrator.topology.emit.Counters;
import dev.orchestrator.topology.emit.DeadLetters;
import dev.orchestrator.topology.emit.Nodes;
import dev.orchestrator.topology.emit.Outputs;
import dev.orchestrator.topology.messages.ToDecider;
import dev.orchestrator.topology.messages.ToDecider.LedgerReply;
import dev.orchestrator.topology.messages.ToLedger;
import dev.orchestrator.topology.normalize.InvalidInputException;
import dev.orchestrator.topology.normalize.Normalizer;
import dev.orchestrator.topology.scoring.UnitIndex;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision step, keyed by consumer, so one task alone holds a consumer's quotas and budget. It
 * routes each message to the part that handles it: new demand to {@link PlacementAttempts}, the
 * ledgers' answers to {@link LedgerReplies}, the planner's moves to {@link Migrations}; releases and
 * policies it handles itself.
 */
public final class DecisionProcessor implements Processor<String, Object, Object, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionProcessor.class);

    private final Normalizer normalizer;
    private final EngineSettings settings;
    private final UnitIndex index;
    private final Topics topics;
    private final Counters counters = new Counters();
    private ProcessorContext<Object, Object> context;
    private ConsumerBooks books;
    private DecisionOutputs out;
    private PlacementAttempts attempts;
    private Migrations migrations;
    private LedgerReplies replies;

    public DecisionProcessor(final Normalizer normalizer, final EngineSettings settings, final UnitIndex index,
                             final Topics topics) {
        this.normalizer = normalizer;
        this.settings = settings;
        this.index = index;
        this.topics = topics;
    }

    @Override
    public void init(final ProcessorContext<Object, Object> context) {
        this.context = context;
        this.books = new ConsumerBooks(context);
        this.out = new DecisionOutputs(context, books.allocations, normalizer, counters);
        this.attempts = new PlacementAttempts(settings, index, books, out);
        this.migrations = new Migrations(settings, index, books, attempts, out, counters);
        this.replies = new LedgerReplies(settings, index, books, attempts, migrations, out, counters);
        counters.flushEvery(context, Duration.ofMillis(settings.metricsIntervalMillis()),
                Nodes.sink(Nodes.DECIDER, Nodes.METRICS));
    }

    @Override
    public void process(final Record<String, Object> record) {
        final Object value = record.value();
        if (record.key() == null && value != null) {
            deadLetter(record, "key", "a record needs a key");
        } else if (value instanceof ToDecider.Place place) {
            attempts.place(place.request());
        } else if (value instanceof LedgerReply reply) {
            replies.onReply(reply);
        } else if (value instanceof ToDecider.ReleaseDemand release) {
            release(release);
        } else if (value instanceof ToDecider.Migrate migrate) {
            migrations.migrate(migrate);
        } else if (value instanceof ToDecider.Refused refused) {
            attempts.remember(refused.demandId(), refused.consumerId(), ReasonCode.valueOf(refused.reason()),
                    refused.detail(), refused.requestedAt());
        } else if (value instanceof Policy policy) {
            onPolicy(record, policy);
        } else if (value == null && record.key() != null && fromPolicyTopic()) {
            books.deletePolicy(record.key());
        } else {
            deadLetter(record, record.key() == null ? "key" : "value", record.key() == null ? "a record needs a key"
                    : "empty record (tombstone) on a stream topic");
        }
    }

    private void deadLetter(final Record<String, Object> record, final String field, final String detail) {
        final String topic = context.recordMetadata().map(m -> m.topic()).orElse(topics.toDecider.name());
        context.forward(DeadLetters.of(context, topic, record.key(), null, ReasonCode.INVALID_INPUT.name(), field, detail,
                record.timestamp()), Nodes.sink(Nodes.DECIDER, Nodes.DLQ));
    }

    /** Only the compacted policy topic deletes by tombstone; an empty record on the internal topic is refused. */
    private boolean fromPolicyTopic() {
        return context.recordMetadata().map(m -> m.topic().equals(topics.policy.name())).orElse(false);
    }

    private void onPolicy(final Record<String, Object> record, final Policy policy) {
        try {
            if (!policy.getConsumerId().equals(record.key())) {
                throw new InvalidInputException("key", "the record key must be the consumerId");
            }
            books.putPolicy(record.key(), PolicyTermsMapper.terms(policy, normalizer, settings.regions()));
            LOG.info("policy updated consumer={}", record.key());
        } catch (final InvalidInputException e) {
            final String topic = context.recordMetadata().map(m -> m.topic()).orElse(topics.policy.name());
            context.forward(DeadLetters.of(context, topic, record.key(), topics.policy.valueSerde().serializer().serialize(topic, policy),
                    ReasonCode.INVALID_INPUT.name(), e.field(), e.getMessage(), record.timestamp()), Nodes.sink(Nodes.DECIDER, Nodes.DLQ));
            LOG.info("policy refused consumer={} field={} reason={}", record.key(), e.field(), e.getMessage());
        }
    }

    /** A release demand: the unit's ledger (and a migration's target) frees the capacity and answers RELEASED. */
    private void release(final ToDecider.ReleaseDemand release) {
        final AllocationRecord target = books.allocation(release.consumerId(), release.releaseOf());
        final long now = context.currentSystemTimeMs();
        if (target == null || !target.holdsCapacity()) {
            final String detail = "no live allocation for demand " + release.releaseOf();
            attempts.remember(release.demandId(), release.consumerId(), ReasonCode.ALLOCATION_NOT_FOUND, detail,
                    release.requestedAt());
            out.publish(Outputs.rejected(release.demandId(), release.consumerId(), ReasonCode.ALLOCATION_NOT_FOUND,
                    detail, now));
            counters.increment("decisions_total", Map.of("status", "REJECTED", "reason", "ALLOCATION_NOT_FOUND"));
            return;
        }
        out.toLedger(target.unitId(), new ToLedger.Release(target.demandId(), "RELEASED", false));
        if (target.migrating()) {
            out.toLedger(target.migratingTo(), new ToLedger.Release(target.demandId(), "RELEASED", false));
        }
        books.putAllocation(new AllocationRecord(release.demandId(), release.consumerId(), Status.RELEASE_DEMAND,
                target.request(), target.unitId(), "", "", 0, 0, 0, List.of(), "", 0, List.of(), null, 0, 0, "", ""));
        out.publish(Outputs.result(release.demandId(), release.consumerId(), AllocationStatus.RELEASED, ReasonCode.NONE, now)
                .setAllocationId(target.demandId()).setDataUnitId(target.unitId()).build());
        counters.increment("decisions_total", Map.of("status", "RELEASED", "reason", "NONE"));
    }
}
