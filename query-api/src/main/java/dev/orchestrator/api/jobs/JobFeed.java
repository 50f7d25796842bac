package dev.orchestrator.api.jobs;

import dev.orchestrator.avro.ExecutionJob;
import dev.orchestrator.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the compacted jobs topic from its start into a {@link JobBoard} and keeps following it. Every
 * instance reads every partition (no consumer group), so any instance answers for all jobs.
 */
public final class JobFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobFeed.class);

    private final Topics topics;
    private final JobBoard board;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean closed;

    public JobFeed(final Map<String, Object> clientConfig, final Topics topics, final JobBoard board) {
        this.topics = topics;
        this.board = board;
        final Map<String, Object> props = new HashMap<>(clientConfig);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "orchestrator-job-board");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "job-board");
        this.thread.setDaemon(true);
    }

    public JobFeed start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            final String topic = topics.jobs.name();
            final List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!closed) {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    apply(record);
                }
            }
        } catch (final WakeupException e) {
            // closing
        } catch (final RuntimeException e) {
            if (!closed) {
                LOG.warn("job board stopped following {}: {}", topics.jobs.name(), e.toString());
            }
        } finally {
            consumer.close();
        }
    }

    private void apply(final ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return;
        }
        try {
            final ExecutionJob job = topics.jobs.valueSerde().deserializer().deserialize(record.topic(), record.value());
            board.apply(job);
        } catch (final RuntimeException e) {
            LOG.warn("job record skipped partition={} offset={}: {}", record.partition(), record.offset(), e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        if (!thread.isAlive()) {
            consumer.close();
            return;
        }
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
