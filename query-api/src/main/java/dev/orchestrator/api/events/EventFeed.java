package dev.orchestrator.api.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AuditEvent;
import dev.orchestrator.avro.EntityType;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.schemas.Topic;
import dev.orchestrator.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails the decision, command and audit topics into an {@link EventBuffer} for the live stream.
 * Every instance reads every partition (no consumer group), so a client sees the whole system
 * whichever instance it is connected to; only committed records are read. The tail starts with the
 * first subscriber, so an instance nobody watches spends nothing on it, and it begins with the last
 * {@code backfill} records of each partition, so a new dashboard is not empty.
 */
public final class EventFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventFeed.class);

    private final Map<String, Object> clientConfig;
    private final Topics topics;
    private final EventBuffer buffer;
    private final int backfill;
    private final String epoch = Long.toString(System.currentTimeMillis(), 36);
    private final ObjectMapper json = new ObjectMapper();
    private KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;
    private volatile boolean closed;

    public EventFeed(final Map<String, Object> clientConfig, final Topics topics, final int capacity, final int backfill) {
        this.clientConfig = clientConfig;
        this.topics = topics;
        this.buffer = new EventBuffer(capacity);
        this.backfill = backfill;
    }

    /** The buffer, tailing Kafka from now on if it was not already. */
    public synchronized EventBuffer subscribe() {
        if (thread == null && !closed) {
            final Map<String, Object> props = new HashMap<>(clientConfig);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            props.put(ConsumerConfig.CLIENT_ID_CONFIG, "orchestrator-event-feed");
            consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            thread = new Thread(this::tail, "event-feed");
            thread.setDaemon(true);
            thread.start();
        }
        return buffer;
    }

    /** The SSE id of the event with {@code sequence}: ids from another instance or an earlier run do not resume here. */
    public String id(final long sequence) {
        return epoch + "-" + sequence;
    }

    /** The sequence an SSE id stands for here, or -1 when it was issued elsewhere. */
    public long sequenceOf(final String id) {
        if (id == null || !id.startsWith(epoch + "-")) {
            return -1;
        }
        try {
            return Long.parseLong(id.substring(epoch.length() + 1));
        } catch (final NumberFormatException e) {
            return -1;
        }
    }

    private void tail() {
        try {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final Topic<?, ?> topic : List.of(topics.allocations, topics.commands, topics.audit)) {
                consumer.partitionsFor(topic.name(), Duration.ofSeconds(30))
                        .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
            consumer.assign(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            final Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions);
            for (final TopicPartition partition : partitions) {
                consumer.seek(partition, Math.max(begins.get(partition), ends.get(partition) - backfill));
            }
            LOG.info("event feed tailing {} partitions", partitions.size());
            while (!closed) {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    append(record);
                }
            }
        } catch (final WakeupException e) {
            // closing
        } catch (final KafkaException e) {
            LOG.error("event feed stopped: {}", e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void append(final ConsumerRecord<byte[], byte[]> record) {
        final ObjectNode node = json.createObjectNode();
        final String type;
        String consumerId = null;
        String unitId = null;
        try {
            if (record.topic().equals(topics.allocations.name())) {
                final AllocationResult r = topics.allocations.valueSerde().deserializer().deserialize(record.topic(), record.value());
                type = "decision";
                consumerId = r.getConsumerId();
                unitId = r.getDataUnitId();
                node.put("demandId", r.getDemandId()).put("consumerId", consumerId).put("status", r.getStatus().name())
                        .put("reason", r.getReason().name()).put("reasonDetail", r.getReasonDetail()).put("unitId", unitId)
                        .put("providerId", r.getProviderId()).put("region", r.getRegion()).put("at", r.getDecidedAt().toEpochMilli());
            } else if (record.topic().equals(topics.commands.name())) {
                final PlacementCommand c = topics.commands.valueSerde().deserializer().deserialize(record.topic(), record.value());
                type = "command";
                consumerId = c.getConsumerId();
                unitId = c.getDataUnitId();
                node.put("commandId", c.getCommandId()).put("command", c.getType().name()).put("demandId", c.getDemandId())
                        .put("consumerId", consumerId).put("allocationId", c.getAllocationId()).put("unitId", unitId)
                        .put("providerId", c.getProviderId()).put("at", c.getIssuedAt().toEpochMilli());
            } else {
                final AuditEvent a = topics.audit.valueSerde().deserializer().deserialize(record.topic(), record.value());
                type = "audit";
                unitId = a.getEntityType() == EntityType.DATA_UNIT ? a.getEntityId() : null;
                node.put("entityType", a.getEntityType().name()).put("entityId", a.getEntityId()).put("action", a.getAction())
                        .put("sequence", a.getSequence()).put("cause", a.getCause()).put("at", a.getAt().toEpochMilli());
            }
        } catch (final RuntimeException e) {
            // the engine writes these topics; a record we cannot read is skipped, not fatal to the feed
            LOG.warn("event feed skipped an unreadable record topic={} partition={} offset={}: {}", record.topic(),
                    record.partition(), record.offset(), e.toString());
            return;
        }
        node.put("type", type);
        final String finalConsumer = consumerId;
        final String finalUnit = unitId;
        buffer.append(sequence -> new FeedEvent(sequence, id(sequence), type, finalConsumer, finalUnit,
                node.put("id", id(sequence)).toString()));
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (thread != null) {
            consumer.wakeup();
            try {
                thread.join(10_000);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
