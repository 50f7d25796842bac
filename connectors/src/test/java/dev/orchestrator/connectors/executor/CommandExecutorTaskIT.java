package dev.orchestrator.connectors.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.avro.Capacity;
import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.ExecutionJob;
import dev.orchestrator.avro.ExecutionOutcome;
import dev.orchestrator.avro.OutcomeStatus;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.connectors.OrchestratorTopics;
import dev.orchestrator.schemas.CommandHeaders;
import dev.orchestrator.schemas.DeadLetterHeaders;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.testing.TestKafka;
import dev.orchestrator.testing.standin.NosanaStandIn;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The executor task driven as a worker drives it (open, put, preCommit), writing to a real broker,
 * with bad records among good ones: each bad one becomes a dead letter with a precise reason and
 * the rest go on; a duplicate command provisions once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommandExecutorTaskIT {
    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();
    private static final TopicPartition COMMANDS = new TopicPartition("commands.v1", 0);

    private final Topics topics = OrchestratorTopics.of("", "");
    private final NosanaStandIn nosana = new NosanaStandIn(null, "m", 0, 100);
    private final CommandExecutorTask task = new CommandExecutorTask();

    @BeforeAll
    void topics() throws Exception {
        KAFKA.createTopics(1, "commands.v1", "outcomes.v1", "jobs.v1", "dlq.v1");
    }

    @AfterEach
    void stop() {
        task.stop();
        nosana.close();
    }

    private Map<String, String> settings() {
        final Map<String, String> settings = new HashMap<>();
        settings.put(ExecutorConfig.BOOTSTRAP, KAFKA.bootstrapServers());
        settings.put(ExecutorConfig.ADAPTER_TYPE, "nosana");
        settings.put("adapter.url", nosana.url().toString());
        settings.put("adapter.market", "m");
        settings.put(ExecutorConfig.RETRY_INITIAL, "10");
        settings.put(ExecutorConfig.VERIFY_POLL, "20");
        return settings;
    }

    private static PlacementCommand command(final String id, final String unit, final String demand) {
        return PlacementCommand.newBuilder().setCommandId(id).setType(CommandType.PROVISION).setAllocationId(demand)
                .setDemandId(demand).setConsumerId("c").setProviderId("p").setDataUnitId(unit).setKind(ResourceKind.COMPUTE)
                .setCapacity(Capacity.newBuilder().setGpuCount(1).build()).setIssuedAt(Instant.now()).build();
    }

    private static PlacementCommand withCapacity(final PlacementCommand command, final Capacity capacity) {
        command.setCapacity(capacity);
        return command;
    }

    private SinkRecord record(final long offset, final String key, final Object value, final ConnectHeaders headers) {
        return new SinkRecord(COMMANDS.topic(), 0, Schema.STRING_SCHEMA, key, Schema.OPTIONAL_BYTES_SCHEMA, value, offset,
                0L, TimestampType.CREATE_TIME, headers);
    }

    private byte[] encoded(final PlacementCommand command) {
        return topics.commands.valueSerde().serializer().serialize(COMMANDS.topic(), command);
    }

    @Test
    void badRecordsBecomeDeadLettersAndTheRestIsExecutedOnce() throws Exception {
        nosana.refuseLaunches("doomed", 403, 1);
        task.initialize(new Context());
        task.start(settings());
        task.open(List.of(COMMANDS));
        final byte[] big = new byte[2 * 1024 * 1024];
        new Random(1).nextBytes(big);
        final ConnectHeaders retry = new ConnectHeaders();
        retry.addString(CommandHeaders.RETRY, "2");

        task.put(List.of(
                record(0, "u1", encoded(command("c1", "u1", "d1")), new ConnectHeaders()),
                record(1, "u1", encoded(command("c1", "u1", "d1")), new ConnectHeaders()),
                record(2, "u1", "not Avro".getBytes(StandardCharsets.UTF_8), new ConnectHeaders()),
                record(3, "u2", "a string, as the JSON converter would hand over", new ConnectHeaders()),
                record(4, "u2", big, new ConnectHeaders()),
                record(5, "u3", encoded(command("c2", "u3", "doomed")), new ConnectHeaders()),
                record(6, "u4", encoded(command("c3", "u4", "d3")), retry),
                // decodable but impossible: each would fail the same on every redelivery
                record(7, "u5", encoded(command(" ", "u5", "d5")), new ConnectHeaders()),
                record(8, "u5", encoded(withCapacity(command("c5", "u5", "d5"), Capacity.newBuilder().setGpuCount(1)
                        .setGpuType("a100\nkind: Secret").build())), new ConnectHeaders()),
                record(9, "u5", encoded(withCapacity(command("c6", "u5", "d6"), Capacity.newBuilder().setCpuMillis(-1).build())),
                        new ConnectHeaders()),
                record(10, "u5", encoded(withCapacity(command("c7", "u5", "d7"), Capacity.newBuilder().setGpuCount(2)
                        .setGpuType("a100").build())), new ConnectHeaders()),
                // a workload whose image would reach the provider's spec as something else
                record(11, "u5", encoded(PlacementCommand.newBuilder(command("c8", "u5", "d8"))
                        .setLabels(Map.of("workload.image", "nginx\nkind: Secret")).build()), new ConnectHeaders())));

        final List<ExecutionOutcome> outcomes = awaitRecords("outcomes.v1", 5).stream()
                .map(r -> topics.outcomes.valueSerde().deserializer().deserialize("outcomes.v1", r.value())).toList();
        assertThat(outcomes).extracting(o -> o.getCommandId() + " " + o.getStatus())
                .containsExactlyInAnyOrder("c1 PROVISIONED", "c1 PROVISIONED", "c2 FAILED", "c3 PROVISIONED", "c7 PROVISIONED");
        assertThat(nosana.launches("c1")).as("a duplicate command finds the job of the first").isEqualTo(1);

        final List<ConsumerRecord<byte[], byte[]>> dead = awaitRecords("dlq.v1", 8);
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON)).containsExactlyInAnyOrder("INVALID_INPUT",
                "INVALID_INPUT", "INVALID_INPUT", "INVALID_INPUT", "INVALID_INPUT", "INVALID_INPUT", "INVALID_INPUT",
                "EXECUTION_FAILED");
        assertThat(dead).filteredOn(r -> Set.of("7", "8", "9", "11").contains(header(r, DeadLetterHeaders.OFFSET)))
                .extracting(r -> header(r, DeadLetterHeaders.MESSAGE)).containsExactlyInAnyOrder(
                        "invalid command: a placement needs its command id (the idempotency key)",
                        "invalid command: GPU model must be lower-case letters, digits and '-', up to 32",
                        "invalid command: capacity must not be negative",
                        "invalid command: workload.image is not a container image reference");
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.MESSAGE)).anyMatch(m -> m.contains("ByteArrayConverter"))
                .anyMatch(m -> m.startsWith("undecodable command")).anyMatch(m -> m.contains("403"));
        assertThat(dead).filteredOn(r -> header(r, DeadLetterHeaders.REASON).equals("INVALID_INPUT"))
                .allSatisfy(r -> assertThat(header(r, DeadLetterHeaders.SOURCE)).isEqualTo("commands.v1"));
        assertThat(dead).filteredOn(r -> header(r, DeadLetterHeaders.OFFSET).equals("4")).singleElement().satisfies(r -> {
            assertThat(r.value()).as("too large to copy").isNull();
            assertThat(header(r, DeadLetterHeaders.MESSAGE)).contains("2097152-byte value", "commands.v1-0@4");
        });
        assertThat(dead).filteredOn(r -> header(r, DeadLetterHeaders.OFFSET).equals("2")).singleElement()
                .satisfies(r -> assertThat(r.value()).isEqualTo("not Avro".getBytes(StandardCharsets.UTF_8)));

        final List<ExecutionJob> jobs = awaitRecords("jobs.v1", 1).stream()
                .map(r -> topics.jobs.valueSerde().deserializer().deserialize("jobs.v1", r.value())).toList();
        assertThat(jobs).filteredOn(j -> j.getCommandId().equals("c3")).allSatisfy(j -> assertThat(j.getRetries()).isEqualTo(2));
        final Map<TopicPartition, OffsetAndMetadata> committable = task.preCommit(Map.of(COMMANDS, new OffsetAndMetadata(12)));
        assertThat(committable.get(COMMANDS).offset()).isEqualTo(12);
    }

    @Test
    void badSettingsAreRefusedNamingTheKey() {
        final Map<String, String> noAdapter = settings();
        noAdapter.remove(ExecutorConfig.ADAPTER_TYPE);
        assertThatThrownBy(() -> new ExecutorConfig(noAdapter)).isInstanceOf(ConfigException.class).hasMessageContaining("adapter.type");
        final Map<String, String> backwards = settings();
        backwards.put(ExecutorConfig.RETRY_MAX, "5");
        assertThatThrownBy(() -> new ExecutorConfig(backwards)).hasMessageContaining("retry.backoff.max.ms");
        final Map<String, String> zero = settings();
        zero.put(ExecutorConfig.RETRY_ATTEMPTS, "0");
        assertThatThrownBy(() -> new ExecutorConfig(zero)).hasMessageContaining("retry.max.attempts");
        final Map<String, String> noUrl = settings();
        noUrl.remove("adapter.url");
        task.initialize(new Context());
        assertThatThrownBy(() -> task.start(noUrl)).isInstanceOf(ConnectException.class).hasMessageContaining("'url'");
        final Map<String, String> unknown = settings();
        unknown.put(ExecutorConfig.ADAPTER_TYPE, "openstack");
        assertThatThrownBy(() -> new CommandExecutorTask().start(unknown)).hasMessageContaining("no adapter for provider type 'openstack'");
    }

    private List<ConsumerRecord<byte[], byte[]>> awaitRecords(final String topic, final int atLeast) {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KAFKA.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(List.of(new TopicPartition(topic, 0)));
            while (records.size() < atLeast && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // whatever else is already there
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        assertThat(records).as(topic).hasSizeGreaterThanOrEqualTo(atLeast);
        return records;
    }

    private static String header(final ConsumerRecord<byte[], byte[]> record, final String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /** What a worker gives a task; this task needs only its assignment. */
    private static final class Context implements SinkTaskContext {
        @Override
        public Map<String, String> configs() {
            return Map.of();
        }

        @Override
        public void offset(final Map<TopicPartition, Long> offsets) {
        }

        @Override
        public void offset(final TopicPartition tp, final long offset) {
        }

        @Override
        public void timeout(final long timeoutMs) {
        }

        @Override
        public Set<TopicPartition> assignment() {
            return Set.of(COMMANDS);
        }

        @Override
        public void pause(final TopicPartition... partitions) {
        }

        @Override
        public void resume(final TopicPartition... partitions) {
        }

        @Override
        public void requestCommit() {
        }

        @Override
        public PluginMetrics pluginMetrics() {
            return null;
        }
    }
}
