package dev.orchestrator.topology;

import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AuditEvent;
import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.DataUnitEventType;
import dev.orchestrator.avro.DataUnitState;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.ExecutionOutcome;
import dev.orchestrator.avro.MetricEvent;
import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.OutcomeStatus;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.avro.Quantity;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.avro.ResourceSpec;
import dev.orchestrator.avro.Sla;
import dev.orchestrator.avro.Telemetry;
import dev.orchestrator.schemas.Topic;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.schemas.serde.InProcessSchemaRegistry;
import dev.orchestrator.topology.ledger.Held;
import dev.orchestrator.topology.ledger.UnitState;
import dev.orchestrator.topology.task.EngineTask;
import dev.orchestrator.topology.task.LocalTasks;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** The whole topology in a TopologyTestDriver, with input helpers and everything it published collected. */
public final class EngineHarness implements AutoCloseable {
    public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    public final Topics topics = Topics.create("", InProcessSchemaRegistry.inMemory());
    public final TopologyTestDriver driver;
    /** The engine tasks, as the engine registers them for the read API. */
    public final LocalTasks local = new LocalTasks();
    public final List<AllocationResult> allocations = new ArrayList<>();
    public final List<PlacementCommand> commands = new ArrayList<>();
    public final List<AuditEvent> audit = new ArrayList<>();
    public final List<TestRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
    public final List<MetricEvent> metrics = new ArrayList<>();
    private final Map<String, TestInputTopic<String, ?>> inputs = new java.util.HashMap<>();
    /** Heartbeats come from the provider that registered the unit, as the engine requires. */
    private final Map<String, String> providers = new java.util.HashMap<>();
    private final TestInputTopic<String, byte[]> rawDemand;
    private final TestOutputTopic<String, AllocationResult> allocationOut;
    private final TestOutputTopic<String, PlacementCommand> commandOut;
    private final TestOutputTopic<String, AuditEvent> auditOut;
    private final TestOutputTopic<byte[], byte[]> dlqOut;
    private final TestOutputTopic<String, MetricEvent> metricOut;

    public EngineHarness() {
        this(EngineSettings.defaults());
    }

    public EngineHarness(final EngineSettings settings) {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "engine-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.putAll(DecisionTopology.requiredConfig(topics));
        driver = new TopologyTestDriver(DecisionTopology.build(topics, settings, props, local), props, START);
        rawDemand = driver.createInputTopic(topics.demand.name(), new StringSerializer(), new ByteArraySerializer(), START,
                Duration.ZERO);
        allocationOut = output(topics.allocations);
        commandOut = output(topics.commands);
        auditOut = output(topics.audit);
        metricOut = output(topics.metrics);
        dlqOut = driver.createOutputTopic(topics.dlq.name(), topics.dlq.keySerde().deserializer(),
                topics.dlq.valueSerde().deserializer());
    }

    private <V> TestOutputTopic<String, V> output(final Topic<String, V> topic) {
        return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    }

    @SuppressWarnings("unchecked")
    public <V> TestInputTopic<String, V> input(final Topic<String, V> topic) {
        return (TestInputTopic<String, V>) inputs.computeIfAbsent(topic.name(), n -> driver.createInputTopic(topic.name(),
                topic.keySerde().serializer(), topic.valueSerde().serializer(), now(), Duration.ZERO));
    }

    /** Collects what the engine published since the last call. */
    public EngineHarness drain() {
        allocations.addAll(allocationOut.readValuesToList());
        commands.addAll(commandOut.readValuesToList());
        audit.addAll(auditOut.readValuesToList());
        deadLetters.addAll(dlqOut.readRecordsToList());
        metrics.addAll(metricOut.readValuesToList());
        return this;
    }

    public EngineHarness register(final String unit, final String provider, final String region, final long gb,
                                  final String pricePerHour) {
        return register(unit, provider, region, gb, pricePerHour, e -> { });
    }

    public EngineHarness register(final String unit, final String provider, final String region, final long gb,
                                  final String pricePerHour, final Consumer<DataUnitEvent.Builder> change) {
        final DataUnitEvent.Builder event = DataUnitEvent.newBuilder().setEventId("reg-" + unit).setDataUnitId(unit)
                .setProviderId(provider).setType(DataUnitEventType.REGISTER).setKind(ResourceKind.STORAGE)
                .setRegion(region).setCapacity(ResourceSpec.newBuilder().setStorage(new Quantity(gb + "", "GB")).build())
                .setPricePerHour(new Money(new BigDecimal(pricePerHour), "USD")).setAdvertisedLatencyMillis(10.0)
                .setAdvertisedAvailability(0.999).setAt(now());
        change.accept(event);
        providers.putIfAbsent(unit, event.getProviderId());
        input(topics.dataUnit).pipeInput(unit, event.build());
        return drain();
    }

    public EngineHarness changeState(final String unit, final DataUnitState target) {
        input(topics.dataUnit).pipeInput(unit, DataUnitEvent.newBuilder().setEventId("st-" + unit + "-" + target)
                .setDataUnitId(unit).setProviderId("p").setType(DataUnitEventType.CHANGE_STATE).setTargetState(target)
                .setReason("test").setAt(now()).build());
        return drain();
    }

    public EngineHarness place(final String demand, final String consumer, final long gb) {
        return place(demand, consumer, gb, d -> { });
    }

    public EngineHarness place(final String demand, final String consumer, final long gb,
                               final Consumer<Demand.Builder> change) {
        final Demand.Builder builder = Demand.newBuilder().setDemandId(demand).setConsumerId(consumer)
                .setType(DemandType.PLACE).setKind(ResourceKind.STORAGE)
                .setResources(ResourceSpec.newBuilder().setStorage(new Quantity(gb + "", "GB")).build())
                .setRequestedAt(now());
        change.accept(builder);
        input(topics.demand).pipeInput(demand, builder.build());
        return drain();
    }

    public EngineHarness release(final String demand, final String consumer, final String releaseOf) {
        input(topics.demand).pipeInput(demand, Demand.newBuilder().setDemandId(demand).setConsumerId(consumer)
                .setType(DemandType.RELEASE).setReleaseOf(releaseOf).setRequestedAt(now()).build());
        return drain();
    }

    public EngineHarness rawDemand(final String key, final byte[] value) {
        rawDemand.pipeInput(key, value);
        return drain();
    }

    public EngineHarness policy(final Policy policy) {
        input(topics.policy).pipeInput(policy.getConsumerId(), policy);
        return drain();
    }

    public EngineHarness sla(final Sla sla) {
        input(topics.sla).pipeInput(sla.getSlaId(), sla);
        return drain();
    }

    /** An audit snapshot as a JSON tree, so snapshots compare by content, not by field order. */
    public static com.fasterxml.jackson.databind.JsonNode json(final String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (final java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A heartbeat written (and observed) at {@code at} that reaches the engine only now, as under a backlog. */
    public EngineHarness lateHeartbeat(final String unit, final Instant at) {
        input(topics.telemetry).pipeInput(unit, Telemetry.newBuilder().setDataUnitId(unit).setProviderId(providerOf(unit))
                .setObservedAt(at).setLatencyMillis(10.0).setAvailable(true).build(), at);
        return drain();
    }

    private String providerOf(final String unit) {
        return providers.getOrDefault(unit, "p");
    }

    public EngineHarness heartbeat(final String unit, final Double latency, final boolean available) {
        input(topics.telemetry).pipeInput(unit, Telemetry.newBuilder().setDataUnitId(unit).setProviderId(providerOf(unit))
                .setObservedAt(now()).setLatencyMillis(latency).setAvailable(available).build());
        return drain();
    }

    public EngineHarness outcome(final PlacementCommand command, final OutcomeStatus status) {
        input(topics.outcomes).pipeInput(command.getCommandId(), ExecutionOutcome.newBuilder()
                .setCommandId(command.getCommandId()).setAllocationId(command.getAllocationId())
                .setDataUnitId(command.getDataUnitId()).setStatus(status)
                .setEndpoint(status == OutcomeStatus.FAILED ? null : "pvc://" + command.getDataUnitId())
                .setErrorCode(status == OutcomeStatus.FAILED ? "QUOTA" : null).setAt(now()).build());
        return drain();
    }

    /** Confirms every PROVISION and MIGRATE command not yet confirmed, as an executor would. */
    public EngineHarness confirmAll() {
        final List<PlacementCommand> open = new ArrayList<>(commands);
        for (final PlacementCommand command : open) {
            if (command.getType() != dev.orchestrator.avro.CommandType.DEPROVISION && confirmed.add(command.getCommandId())) {
                outcome(command, command.getType() == dev.orchestrator.avro.CommandType.MIGRATE
                        ? OutcomeStatus.MIGRATED : OutcomeStatus.PROVISIONED);
            }
        }
        return this;
    }

    private final java.util.Set<String> confirmed = new java.util.HashSet<>();

    private long offsetMillis;

    public EngineHarness advance(final Duration duration) {
        offsetMillis += duration.toMillis();
        // producers stamp records with their own clock, which moves with the wall clock
        inputs.values().forEach(topic -> topic.advanceTime(duration));
        rawDemand.advanceTime(duration);
        driver.advanceWallClockTime(duration);
        return drain();
    }

    /** The driver's wall clock, which the engine reads as its "now". */
    public Instant now() {
        return START.plusMillis(offsetMillis);
    }

    /** A unit as the engine holds it, or null. */
    public Unit unit(final String id) {
        final UnitState unit = task().slice().get(id);
        return unit == null ? null : new Unit(unit);
    }

    /** Every unit the engine holds. */
    public Map<String, Unit> units() {
        final Map<String, Unit> all = new java.util.TreeMap<>();
        task().slice().units().forEach(unit -> all.put(unit.unitId(), new Unit(unit)));
        return all;
    }

    /** The engine task of the driver's one partition. */
    public EngineTask task() {
        return local.get(0);
    }

    /** A unit's state at the moment of asking, with the allocations it holds by id. */
    public record Unit(UnitState state) {
        public dev.orchestrator.topology.model.Capacity used() {
            return state.used();
        }

        public dev.orchestrator.topology.telemetry.Health health() {
            return state.health();
        }

        public DataUnitState visibleState() {
            return state.visibleState();
        }

        public Map<String, Held> reservations() {
            final Map<String, Held> held = new java.util.TreeMap<>();
            state.holds().forEach(h -> held.put(h.allocationId(), h));
            return held;
        }
    }

    /** The audited changes of allocation {@code demandId}, in order, as its decision records carry them. */
    public List<String> allocationActions(final String demandId) {
        return allocations.stream().filter(a -> a.getDemandId().equals(demandId) && a.getChange() != null)
                .map(a -> a.getChange().getAction()).toList();
    }

    /** Every audited change of {@code unitId}, from audit.v1 and from decision records, in sequence order. */
    public List<UnitEvent> unitEvents(final String unitId) {
        final List<UnitEvent> events = new ArrayList<>();
        audit.stream().filter(a -> a.getEntityType() == dev.orchestrator.avro.EntityType.DATA_UNIT
                && a.getEntityId().equals(unitId)).forEach(a -> events.add(new UnitEvent(a.getSequence(), a.getAction(),
                json(a.getAfter()).path("used").path("storageBytes").asLong())));
        allocations.forEach(a -> a.getUnitChanges().stream().filter(c -> c.getDataUnitId().equals(unitId))
                .forEach(c -> events.add(new UnitEvent(c.getSequence(), c.getAction(), c.getUsedAfter().getStorageBytes()))));
        events.sort(java.util.Comparator.comparingLong(UnitEvent::sequence));
        return events;
    }

    /** One audited change of a unit: its sequence, action and the storage it held after. */
    public record UnitEvent(long sequence, String action, long usedStorageBytes) {
    }

    /** The decisions (PLACED, REJECTED) and, for release demands, RELEASED answers, of {@code demand}. */
    public List<AllocationResult> resultsFor(final String demand) {
        return allocations.stream().filter(a -> a.getDemandId().equals(demand)).toList();
    }

    public AllocationResult last(final String demand) {
        final List<AllocationResult> results = resultsFor(demand);
        return results.get(results.size() - 1);
    }

    @Override
    public void close() {
        // a test that needs other settings closes the class's harness first: closing twice is harmless
        if (!closed) {
            closed = true;
            driver.close();
        }
    }

    private boolean closed;
}
