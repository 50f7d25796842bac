package dev.orchestrator.app.bench.execution;

import dev.orchestrator.app.connect.EmbeddedConnectWorker;
import dev.orchestrator.app.connect.ExecutorConnector;
import dev.orchestrator.app.kafka.TopicWriter;
import dev.orchestrator.avro.Capacity;
import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.ExecutionOutcome;
import dev.orchestrator.avro.OutcomeStatus;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.schemas.Topics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The executor alone: PROVISION commands written straight to {@code commands.v1} and executed by the
 * Kafka Connect executor in an embedded worker through the simulated adapter with no provisioning
 * delay, so what is measured is the executor's own cost per command (decode, queue, adapter calls,
 * job states, outcome acknowledged, offset committed), not a provider's.
 */
public final class ExecutionBench {
    private static final int WARM_UP = 2_000;
    private static final Duration LIMIT = Duration.ofMinutes(10);

    private final String bootstrap;
    private final Topics topics;
    private final PrintStream out;
    /** Outcomes seen again for a command already reported: redeliveries, after a rebalance for instance. */
    private long repeated;

    public ExecutionBench(final String bootstrap, final Topics topics, final PrintStream out) {
        this.bootstrap = bootstrap;
        this.topics = topics;
        this.out = out;
    }

    /** What one run measured: executed while being written (latency), and a backlog drained with nothing else running. */
    public record Result(long commands, int units, int tasks, double writtenPerSecond, double executedPerSecond,
                         double latencyP50Millis, double latencyP99Millis, double drainedPerSecond, long failed,
                         long repeatedOutcomes) {
        public void print(final PrintStream out) {
            out.printf("%nexecution: %,d PROVISION commands over %,d units, %d executor tasks, simulated adapter (no delay)%n",
                    commands, units, tasks);
            out.printf("  written to commands.v1     %,.0f commands/s (the producer alone)%n", writtenPerSecond);
            out.printf("  executed                   %,.0f commands/s (%.0f%% of the write rate)%n", executedPerSecond,
                    100 * executedPerSecond / writtenPerSecond);
            out.printf("  command -> outcome         p50 %,.0f ms, p99 %,.0f ms (issued to outcome acknowledged)%n",
                    latencyP50Millis, latencyP99Millis);
            out.printf("  backlog drained            %,.0f commands/s (%,d commands written while paused, then resumed)%n",
                    drainedPerSecond, commands);
            out.printf("  failed outcomes            %,d%n", failed);
            out.printf("  repeated outcomes          %,d (commands executed again after a redelivery; the adapter is per task)%n",
                    repeatedOutcomes);
        }
    }

    public Result run(final Path offsetsFile, final int units, final long commands, final int tasks) {
        final Map<String, String> connector = new HashMap<>(ExecutorConnector.config(topics, bootstrap, tasks,
                Map.of("type", "simulated", "delay.ms", "0")));
        connector.put("executor.threads", "8");
        try (EmbeddedConnectWorker worker = EmbeddedConnectWorker.start(bootstrap, offsetsFile, ExecutorConnector.NAME, connector);
             TopicWriter writer = new TopicWriter(bootstrap, Map.of(ProducerConfig.LINGER_MS_CONFIG, 5,
                     ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024));
             KafkaConsumer<byte[], byte[]> outcomes = outcomeConsumer()) {
            out.printf("... warming up with %,d commands%n", WARM_UP);
            write(writer, "warm", WARM_UP, units);
            await(outcomes, "warm-", WARM_UP, null, null);
            out.printf("... %,d commands%n", commands);
            final long started = System.nanoTime();
            final long[] issued = write(writer, "run", commands, units);
            final double writeSeconds = (System.nanoTime() - started) / 1e9;
            final Histogram latency = new Histogram(LIMIT.toMillis(), 3);
            long failed = await(outcomes, "run-", commands, latency, issued);
            final double seconds = (System.nanoTime() - started) / 1e9;
            out.printf("... a backlog of %,d commands, written while the connector is paused%n", commands);
            worker.pause();
            // a paused task finishes what it holds; what is written now waits in the topic
            Thread.sleep(2_000);
            write(writer, "backlog", commands, units);
            final long leaked = countFor(outcomes, "backlog-", Duration.ofSeconds(1));
            if (leaked > 0) {
                throw new IllegalStateException(leaked + " commands were executed while the connector was paused: no backlog to measure");
            }
            final long resumed = System.nanoTime();
            worker.resume();
            failed += await(outcomes, "backlog-", commands, null, null);
            final double drainSeconds = (System.nanoTime() - resumed) / 1e9;
            return new Result(commands, units, tasks, commands / writeSeconds, commands / seconds,
                    latency.getValueAtPercentile(50), latency.getValueAtPercentile(99), commands / drainSeconds, failed, repeated);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Writes {@code count} commands; returns when each was issued (epoch ms), by sequence number. */
    private long[] write(final TopicWriter writer, final String run, final long count, final int units) {
        final long[] issued = new long[Math.toIntExact(count)];
        for (int i = 0; i < count; i++) {
            final String unit = "bench-unit-" + (i % units);
            issued[i] = System.currentTimeMillis();
            writer.send(topics.commands, unit, PlacementCommand.newBuilder().setCommandId(run + "-" + i).setType(CommandType.PROVISION)
                    .setAllocationId(run + "-a" + i).setDemandId(run + "-d" + i).setConsumerId("bench").setProviderId("bench")
                    .setDataUnitId(unit).setKind(ResourceKind.STORAGE).setCapacity(Capacity.newBuilder().setStorageBytes(1L << 30).build())
                    .setIssuedAt(Instant.ofEpochMilli(issued[i])).build());
        }
        writer.flush();
        return issued;
    }

    private KafkaConsumer<byte[], byte[]> outcomeConsumer() {
        final KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        final String topic = topics.outcomes.name();
        // every partition the controller knows, each with a leader: a consumer's metadata just after the topics were
        // made may list fewer, and outcomes written to a partition it does not read would never be counted
        final List<TopicPartition> partitions = readyPartitions(topic);
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    /** The partitions of {@code topic} once each has a leader, as the controller describes them (within a minute). */
    private List<TopicPartition> readyPartitions(final String topic) {
        final long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            while (true) {
                final var description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                if (description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return description.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(topic + " has partitions without a leader after a minute");
                }
                Thread.sleep(200);
            }
        } catch (final java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot describe " + topic + ": " + e.getCause(), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Outcomes of commands starting with {@code prefix} within {@code time}; others are counted as repeats. */
    private long countFor(final KafkaConsumer<byte[], byte[]> consumer, final String prefix, final Duration time) {
        final long end = System.nanoTime() + time.toNanos();
        long count = 0;
        while (System.nanoTime() < end) {
            for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                if (commandId(record).startsWith(prefix)) {
                    count++;
                } else {
                    repeated++;
                }
            }
        }
        return count;
    }

    private String commandId(final ConsumerRecord<byte[], byte[]> record) {
        return new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Reads {@code expected} outcomes, recording command-to-outcome latency when {@code latency} is given; returns how many failed. */
    private long await(final KafkaConsumer<byte[], byte[]> consumer, final String prefix, final long expected,
                       final Histogram latency, final long[] issued) {
        final long deadline = System.nanoTime() + LIMIT.toNanos();
        final java.util.Set<String> done = new java.util.HashSet<>();
        long seen = 0;
        long failed = 0;
        long nextReport = System.nanoTime() + 5_000_000_000L;
        while (seen < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + seen + " of " + expected + " outcomes within " + LIMIT.toMinutes() + " min");
            }
            for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                final ExecutionOutcome outcome = topics.outcomes.valueSerde().deserializer().deserialize(record.topic(), record.value());
                if (!outcome.getCommandId().startsWith(prefix) || !done.add(outcome.getCommandId())) {
                    repeated++;
                    continue;
                }
                seen++;
                if (outcome.getStatus() == OutcomeStatus.FAILED) {
                    failed++;
                }
                if (latency != null) {
                    final int sequence = Integer.parseInt(outcome.getCommandId().substring(outcome.getCommandId().indexOf('-') + 1));
                    latency.recordValue(Math.max(0, Math.min(LIMIT.toMillis(), record.timestamp() - issued[sequence])));
                }
            }
            if (System.nanoTime() > nextReport) {
                out.printf("  %,d of %,d outcomes%n", seen, expected);
                nextReport += 5_000_000_000L;
            }
        }
        return failed;
    }
}
