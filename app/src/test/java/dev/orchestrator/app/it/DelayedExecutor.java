package dev.orchestrator.app.it;

import dev.orchestrator.app.kafka.TopicWriter;
import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.ExecutionOutcome;
import dev.orchestrator.avro.OutcomeStatus;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The executor's stand-in for the kill tests: answers each command of the types it is given after that type's delay
 * (PROVISIONED, MIGRATED), so a kill lands while work is under way, and counts the calls per command id (the
 * idempotency key) and the command ids per allocation and type.
 */
final class DelayedExecutor implements AutoCloseable {
    final Map<String, Integer> callsPerCommand = new ConcurrentHashMap<>();
    private final Map<CommandType, Map<String, Set<String>>> commands = new ConcurrentHashMap<>();
    private final Topics topics;
    private final Map<CommandType, Duration> delays;
    private final KafkaConsumer<String, byte[]> consumer;
    private final TopicWriter producer;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread poller;

    DelayedExecutor(final String bootstrap, final Topics topics, final String group, final Map<CommandType, Duration> delays) {
        this.topics = topics;
        this.delays = Map.copyOf(delays);
        this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
        this.producer = new TopicWriter(bootstrap, Map.of());
        consumer.subscribe(List.of(topics.commands.name()));
        this.poller = new Thread(this::run, group);
        poller.start();
    }

    /** The command ids of {@code type} per allocation seen so far. */
    Map<String, Set<String>> byAllocation(final CommandType type) {
        return commands.computeIfAbsent(type, t -> new ConcurrentHashMap<>());
    }

    private void run() {
        try {
            while (running.get()) {
                for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    final PlacementCommand command = topics.commands.valueSerde().deserializer().deserialize(record.topic(),
                            record.value());
                    final Duration delay = delays.get(command.getType());
                    if (delay == null) {
                        continue;
                    }
                    callsPerCommand.merge(command.getCommandId(), 1, Integer::sum);
                    byAllocation(command.getType()).computeIfAbsent(command.getAllocationId(), a -> ConcurrentHashMap.newKeySet())
                            .add(command.getCommandId());
                    final OutcomeStatus status = command.getType() == CommandType.MIGRATE ? OutcomeStatus.MIGRATED
                            : OutcomeStatus.PROVISIONED;
                    timer.schedule(() -> producer.send(topics.outcomes, command.getCommandId(), ExecutionOutcome.newBuilder()
                            .setCommandId(command.getCommandId()).setAllocationId(command.getAllocationId())
                            .setDataUnitId(command.getDataUnitId()).setStatus(status)
                            .setEndpoint("sim://" + command.getDataUnitId() + "/" + command.getAllocationId())
                            .setAt(Instant.now()).build()), delay.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (final org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        consumer.wakeup();
        poller.join(5_000);
        timer.shutdownNow();
        producer.close();
    }
}
