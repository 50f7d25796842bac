package dev.orchestrator.app.demo;

import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.ExecutionOutcome;
import dev.orchestrator.avro.OutcomeStatus;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.app.kafka.TopicWriter;
import dev.orchestrator.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lightweight stand-in executor: reads placement commands and, after a short provisioning delay,
 * reports them done (one in fifty fails). Engine benchmarks and chaos runs use it so that a Connect
 * worker's cost is not mixed into the engine's numbers; the demo runs the real Connect executor.
 */
public final class SimulatedExecutor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedExecutor.class);

    private final Topics topics;
    private final KafkaConsumer<String, byte[]> consumer;
    private final TopicWriter producer;
    private final ScheduledExecutorService delays = Executors.newScheduledThreadPool(1, r -> {
        final Thread thread = new Thread(r, "demo-executor-delays");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread poller;
    private final Random random = new Random(11);

    /** One command in {@code failOneIn} fails (0: none). */
    private final int failOneIn;

    public SimulatedExecutor(final String bootstrap, final Topics topics) {
        this(bootstrap, topics, 50, "latest");
    }

    /** An executor failing one command in {@code failOneIn} (0: none), reading commands from {@code offsetReset}. */
    public SimulatedExecutor(final String bootstrap, final Topics topics, final int failOneIn, final String offsetReset) {
        this.topics = topics;
        this.failOneIn = failOneIn;
        this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "demo-simulated-executor", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
        this.producer = new TopicWriter(bootstrap, Map.of());
        this.poller = new Thread(this::run, "demo-executor");
        this.poller.setDaemon(true);
    }

    public void start() {
        consumer.subscribe(List.of(topics.commands.name()));
        poller.start();
    }

    private void run() {
        try {
            while (running.get()) {
                for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    final PlacementCommand command = topics.commands.valueSerde().deserializer()
                            .deserialize(record.topic(), record.value());
                    // a drift check goes unanswered here: this executor keeps no resources to read back
                    if (command.getType() == CommandType.PROVISION || command.getType() == CommandType.MIGRATE) {
                        delays.schedule(() -> report(command), 200 + random.nextInt(800), TimeUnit.MILLISECONDS);
                    }
                }
            }
        } catch (final org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } catch (final RuntimeException e) {
            LOG.warn("demo executor stopped: {}", e.toString());
        } finally {
            consumer.close();
        }
    }

    private void report(final PlacementCommand command) {
        final boolean failed = failOneIn > 0 && random.nextInt(failOneIn) == 0;
        final OutcomeStatus status = failed ? OutcomeStatus.FAILED
                : command.getType() == CommandType.MIGRATE ? OutcomeStatus.MIGRATED : OutcomeStatus.PROVISIONED;
        final ExecutionOutcome outcome = ExecutionOutcome.newBuilder().setCommandId(command.getCommandId())
                .setAllocationId(command.getAllocationId()).setDataUnitId(command.getDataUnitId()).setStatus(status)
                .setEndpoint(failed ? null : dev.orchestrator.adapters.simulated.SimulatedAdapter.endpoint(command.getDataUnitId(),
                        command.getAllocationId(), command.getLabels().get(dev.orchestrator.adapters.Workload.IMAGE)))
                .setErrorCode(failed ? "SIMULATED" : null).setErrorMessage(failed ? "simulated provider error" : null)
                .setAt(Instant.now()).build();
        producer.send(topics.outcomes, command.getCommandId(), outcome);
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            poller.join(5_000);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        delays.shutdownNow();
        producer.close();
    }
}
