package dev.orchestrator.connectors.executor;

import dev.orchestrator.adapters.Adapters;
import dev.orchestrator.adapters.Placement;
import dev.orchestrator.adapters.ProviderAdapter;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.connectors.OrchestratorTopics;
import dev.orchestrator.connectors.jobs.JobResult;
import dev.orchestrator.connectors.jobs.JobRunner;
import dev.orchestrator.schemas.CommandHeaders;
import dev.orchestrator.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes placement commands: each record becomes a job on its unit's queue, and its offset is
 * committed only once the job's outcome is acknowledged, so a crash or rebalance hands every
 * unfinished job to the partition's next owner, whose adapter finds anything already created.
 */
public final class CommandExecutorTask extends SinkTask {
    private static final Logger LOG = LoggerFactory.getLogger(CommandExecutorTask.class);
    private static final AtomicInteger TASKS = new AtomicInteger();
    /** How long one put may wait for jobs to finish before the partitions are paused instead. */
    private static final long MAX_PUT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Map<TopicPartition, PartitionProgress> progress = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Set<Thread>> running = new ConcurrentHashMap<>();
    private final AtomicReference<RuntimeException> broken = new AtomicReference<>();
    /** Signalled whenever a job finishes, for a put waiting on back pressure. */
    private final Object finishedSignal = new Object();
    private Topics topics;
    private ProviderAdapter adapter;
    private ExecutorOutputs outputs;
    private ExecutorService pool;
    private UnitQueues queues;
    private JobRunner runner;
    private int maxInFlight;
    private boolean paused;

    @Override
    public String version() {
        return CommandExecutorConnector.VERSION;
    }

    @Override
    public void start(final Map<String, String> settings) {
        final ExecutorConfig config = new ExecutorConfig(settings);
        topics = OrchestratorTopics.of(config);
        try {
            adapter = Adapters.create(config.getString(ExecutorConfig.ADAPTER_TYPE), config.adapterSettings());
        } catch (final IllegalArgumentException e) {
            throw new ConnectException(ExecutorConfig.ADAPTER_PREFIX + "*: " + e.getMessage(), e);
        }
        final int task = TASKS.incrementAndGet();
        outputs = new ExecutorOutputs(topics, String.join(",", config.getList(ExecutorConfig.BOOTSTRAP)),
                config.producerSettings(), "command-executor-" + task);
        final AtomicInteger threads = new AtomicInteger();
        pool = Executors.newFixedThreadPool(config.getInt(ExecutorConfig.THREADS), r -> {
            final Thread thread = new Thread(r, "command-executor-" + task + "-job-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        queues = new UnitQueues(pool);
        runner = new JobRunner(adapter, config.backoff(), config.getLong(ExecutorConfig.VERIFY_POLL),
                config.getLong(ExecutorConfig.VERIFY_TIMEOUT), Thread::sleep, System::currentTimeMillis, new Random());
        maxInFlight = config.getInt(ExecutorConfig.MAX_IN_FLIGHT);
        LOG.info("command executor started adapter={} threads={} retries={} verifyTimeoutMs={}", adapter.type(),
                config.getInt(ExecutorConfig.THREADS), config.getInt(ExecutorConfig.RETRY_ATTEMPTS),
                config.getLong(ExecutorConfig.VERIFY_TIMEOUT));
    }

    @Override
    public void open(final Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> progress.put(tp, new PartitionProgress()));
    }

    @Override
    public void put(final Collection<SinkRecord> records) {
        final RuntimeException failure = broken.get();
        if (failure != null) {
            // the broker stopped acknowledging: fail the task so its commands are redelivered after a restart
            throw new ConnectException("the executor could not report an outcome: " + failure.getMessage(), failure);
        }
        for (final SinkRecord record : records) {
            accept(record);
        }
        applyBackPressure();
    }

    private void accept(final SinkRecord record) {
        final TopicPartition partition = new TopicPartition(record.originalTopic(), record.originalKafkaPartition());
        final long offset = record.originalKafkaOffset();
        final PartitionProgress partitionProgress = progress.computeIfAbsent(partition, p -> new PartitionProgress());
        partitionProgress.started(offset);
        final byte[] key = record.key() == null ? null : String.valueOf(record.key()).getBytes(StandardCharsets.UTF_8);
        if (!(record.value() instanceof byte[] value)) {
            deadLetterNow(partition, offset, key, null, "value is " + (record.value() == null ? "null"
                    : record.value().getClass().getSimpleName()) + ", not bytes: set value.converter to "
                    + "org.apache.kafka.connect.converters.ByteArrayConverter");
            return;
        }
        final PlacementCommand command;
        try {
            command = topics.commands.valueSerde().deserializer().deserialize(partition.topic(), value);
        } catch (final RuntimeException e) {
            deadLetterNow(partition, offset, key, value, "undecodable command: " + e.getMessage());
            return;
        }
        final Placement placement;
        try {
            placement = Commands.placement(command);
        } catch (final IllegalArgumentException e) {
            // decodable but impossible (no command id, negative capacity, a GPU model that is not a name): it
            // would fail the same way on every redelivery, so it is dead-lettered instead of stopping the task
            deadLetterNow(partition, offset, key, value, "invalid command: " + e.getMessage());
            return;
        }
        final int retries = retries(record);
        queues.submit(command.getDataUnitId(), () -> execute(partition, offset, key, value, command, placement, retries));
    }

    private void execute(final TopicPartition partition, final long offset, final byte[] key, final byte[] value,
                         final PlacementCommand command, final Placement placement, final int retries) {
        if (!progress.containsKey(partition)) {
            return; // revoked while waiting: the partition's new owner runs it
        }
        final Set<Thread> threads = running.computeIfAbsent(partition, p -> ConcurrentHashMap.newKeySet());
        threads.add(Thread.currentThread());
        final long started = System.nanoTime();
        try {
            final JobResult result = runner.run(command.getType(), placement, command.getSourceDataUnitId(), (state, attempts, kind, error) ->
                    outputs.job(Commands.job(command, state, attempts, kind, error, retries, Instant.now())));
            final long millis = (System.nanoTime() - started) / 1_000_000;
            // the offset is done once the broker has every report of the job: the outcome, and a dead letter when it failed
            final AtomicInteger reports = new AtomicInteger(result.failed() ? 2 : 1);
            final Callback acknowledged = (metadata, error) -> {
                if (error != null) {
                    broken.compareAndSet(null, new IllegalStateException("the broker refused a report: " + error.getMessage(), error));
                    LOG.error("job could not report command={} unit={}: {}", command.getCommandId(), command.getDataUnitId(),
                            error.getMessage());
                } else if (reports.decrementAndGet() == 0) {
                    finished(partition, offset);
                }
            };
            outputs.outcome(Commands.outcome(command, result, Instant.now()), acknowledged);
            if (result.failed()) {
                outputs.deadLetter(partition.topic(), partition.partition(), offset, key, value, "EXECUTION_FAILED",
                        result.errorCode() + ": " + result.error(), acknowledged);
                LOG.info("job failed command={} type={} unit={} code={} attempts={} after {} ms: {}", command.getCommandId(),
                        command.getType(), command.getDataUnitId(), result.errorCode(), result.attempts(), millis, result.error());
            } else {
                LOG.debug("job done command={} type={} unit={} outcome={} attempts={} in {} ms", command.getCommandId(),
                        command.getType(), command.getDataUnitId(), result.status(), result.attempts(), millis);
            }
        } catch (final InterruptedException e) {
            LOG.info("job interrupted command={} unit={}: left uncommitted, it runs again", command.getCommandId(),
                    command.getDataUnitId());
        } catch (final RuntimeException e) {
            broken.compareAndSet(null, e);
            LOG.error("job could not report command={} unit={}: {}", command.getCommandId(), command.getDataUnitId(), e.getMessage());
        } finally {
            threads.remove(Thread.currentThread());
        }
    }

    private void deadLetterNow(final TopicPartition partition, final long offset, final byte[] key, final byte[] value,
                               final String message) {
        try {
            ExecutorOutputs.await(outputs.deadLetter(partition.topic(), partition.partition(), offset, key, value, "INVALID_INPUT",
                    message, null));
            LOG.info("command refused partition={} offset={}: {}", partition, offset, message);
            finished(partition, offset);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while writing a dead letter", e);
        } catch (final IllegalStateException e) {
            // left uncommitted: the task fails, and the record is read again after its restart
            throw new ConnectException("could not write a dead letter for " + partition + "@" + offset + ": " + e.getMessage(), e);
        }
    }

    private void finished(final TopicPartition partition, final long offset) {
        final PartitionProgress partitionProgress = progress.get(partition);
        if (partitionProgress != null) {
            partitionProgress.finished(offset);
        }
        synchronized (finishedSignal) {
            finishedSignal.notifyAll();
        }
    }

    private static int retries(final SinkRecord record) {
        final Header header = record.headers().lastWithName(CommandHeaders.RETRY);
        if (header == null || header.value() == null) {
            return 0;
        }
        try {
            return Integer.parseInt(String.valueOf(header.value()).trim());
        } catch (final NumberFormatException e) {
            return 1;
        }
    }

    /**
     * Keeps unfinished jobs under the limit, so a slow provider cannot fill the heap: put waits for jobs
     * to finish (the worker hands over the next records the moment there is room), and only a provider
     * slower still gets the partitions paused. Pausing alone stalls: a paused task's next put comes only
     * after the worker's poll times out.
     */
    private void applyBackPressure() {
        final long deadline = System.nanoTime() + MAX_PUT_WAIT_NANOS;
        synchronized (finishedSignal) {
            while (inFlight() >= maxInFlight && System.nanoTime() < deadline) {
                try {
                    finishedSignal.wait(100);
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        final int inFlight = inFlight();
        if (!paused && inFlight >= maxInFlight) {
            paused = true;
            context.pause(context.assignment().toArray(TopicPartition[]::new));
            LOG.info("paused: {} jobs unfinished after {} s (limit {})", inFlight, MAX_PUT_WAIT_NANOS / 1_000_000_000L, maxInFlight);
        } else if (paused && inFlight < maxInFlight / 2) {
            paused = false;
            context.resume(context.assignment().toArray(TopicPartition[]::new));
            LOG.info("resumed: {} jobs unfinished", inFlight);
        }
    }

    private int inFlight() {
        int total = 0;
        for (final PartitionProgress partitionProgress : progress.values()) {
            total += partitionProgress.inFlight();
        }
        return total;
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(final Map<TopicPartition, OffsetAndMetadata> current) {
        final Map<TopicPartition, OffsetAndMetadata> safe = new HashMap<>();
        current.keySet().forEach(partition -> {
            final PartitionProgress partitionProgress = progress.get(partition);
            final long offset = partitionProgress == null ? -1 : partitionProgress.committable();
            if (offset >= 0) {
                safe.put(partition, new OffsetAndMetadata(offset));
            }
        });
        return safe;
    }

    @Override
    public void close(final Collection<TopicPartition> partitions) {
        for (final TopicPartition partition : partitions) {
            progress.remove(partition);
            // a job still running would race the new owner's run of the same command: stop it
            final Set<Thread> threads = running.getOrDefault(partition, Set.of());
            threads.forEach(Thread::interrupt);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!threads.isEmpty() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (!threads.isEmpty()) {
                LOG.warn("partition={} revoked with {} jobs still in a provider call", partition, threads.size());
            }
        }
    }

    @Override
    public void stop() {
        if (pool != null) {
            pool.shutdownNow();
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (outputs != null) {
            outputs.close();
        }
        if (adapter != null) {
            adapter.close();
        }
        LOG.info("command executor stopped");
    }
}
