package dev.orchestrator.app.chaos;

import dev.orchestrator.app.verify.Verifier;
import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.DataUnitEventType;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.Quantity;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.avro.ResourceSpec;
import dev.orchestrator.avro.Telemetry;
import dev.orchestrator.schemas.Topic;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.schemas.evolution.KnownSchemas;
import dev.orchestrator.schemas.serde.InProcessSchemaRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The load of the fault runs: a storage fleet, demand records (valid or poison), and counting decisions. */
public final class ChaosLoad implements AutoCloseable {
    private final String bootstrap;
    private final Topics topics;
    private final KafkaProducer<String, byte[]> producer;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        final Thread thread = new Thread(r, "chaos-heartbeats");
        thread.setDaemon(true);
        return thread;
    });

    /** How long no new decision may arrive before the system is taken to have settled. */
    private static final long QUIET_NANOS = Duration.ofSeconds(3).toNanos();

    /** Whether provider p0's units stall now and then (set by {@link #moneyMoves}). */
    private volatile boolean stalls;

    public ChaosLoad(final String bootstrap) {
        this.bootstrap = bootstrap;
        this.topics = topics();
        // a broker that dies mid-run must not fail the sends that wait for it to return; one request in
        // flight, because a retried first batch behind a later one that landed fails for ever with
        // OUT_OF_ORDER_SEQUENCE_NUMBER (seen while partitions were getting their leaders)
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000, ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1), new StringSerializer(), new ByteArraySerializer());
    }

    /** Topics decoded the way a separate engine process writes them: schema ids come from the schema text. */
    public static Topics topics() {
        final InProcessSchemaRegistry registry = InProcessSchemaRegistry.inMemory();
        KnownSchemas.all().forEach(registry::preload);
        return Topics.create("", registry);
    }

    public Topics topicNames() {
        return topics;
    }

    /** Registers {@code count} units and keeps them heartbeating every 5 s until closed, so they stay healthy. */
    public void registerUnits(final int count, final int gb) {
        for (int u = 0; u < count; u++) {
            send(topics.dataUnit, "u" + u, DataUnitEvent.newBuilder().setEventId("e" + u).setDataUnitId("u" + u)
                    .setProviderId("p" + u % 5).setType(DataUnitEventType.REGISTER).setKind(ResourceKind.STORAGE)
                    .setRegion("eu-west-1").setCapacity(ResourceSpec.newBuilder().setStorage(new Quantity(String.valueOf(gb), "GB")).build())
                    .setPricePerHour(new Money(BigDecimal.ONE, "USD")).setAt(Instant.now()).build());
        }
        producer.flush();
        final long started = System.currentTimeMillis();
        heartbeats.scheduleAtFixedRate(() -> {
            final boolean stalled = stalls && (System.currentTimeMillis() - started) / 1000 % 30 >= 20;
            for (int u = 0; u < count; u++) {
                send(topics.telemetry, "u" + u, Telemetry.newBuilder().setDataUnitId("u" + u).setProviderId("p" + u % 5)
                        .setObservedAt(Instant.now()).setLatencyMillis(stalled && u % 5 == 0 ? 400.0 : 5.0)
                        .setAvailable(true).build());
            }
        }, 5, 5, TimeUnit.SECONDS);
    }

    public void place(final String id, final String consumer, final int gb) {
        send(topics.demand, id, demand(id, consumer, String.valueOf(gb)));
    }

    /** A placement that must keep the "gold" SLA ({@link #moneyMoves}). */
    public void placeWithSla(final String id, final String consumer, final int gb) {
        final Demand demand = demand(id, consumer, String.valueOf(gb));
        demand.setSlaId("gold");
        send(topics.demand, id, demand);
    }

    /**
     * Money moves: consumers {@code c0} to {@code c<funded - 1>} deposit more than they can spend (the rest
     * have nothing and are released for want of funds), the five providers stake, and the "gold" SLA
     * slashes half a window's price per breached 10 s window; provider p0's units then stall (400 ms) for
     * 10 s of every 30 s.
     */
    public void moneyMoves(final int funded) {
        send(topics.sla, "gold", dev.orchestrator.avro.Sla.newBuilder().setSlaId("gold").setMaxLatencyMillis(50)
                .setMinAvailability(0.5).setPenaltyPercent(50).setWindowMillis(10_000).setUpdatedAt(Instant.now()).build());
        for (int c = 0; c < funded; c++) {
            send(topics.funds, "c" + c, funds(dev.orchestrator.avro.FundsRequestType.DEPOSIT, "c" + c, "1000000"));
        }
        for (int p = 0; p < 5; p++) {
            send(topics.funds, "p" + p, funds(dev.orchestrator.avro.FundsRequestType.STAKE, "p" + p, "1000"));
        }
        producer.flush();
        stalls = true;
    }

    private static dev.orchestrator.avro.FundsRequest funds(final dev.orchestrator.avro.FundsRequestType type,
                                                            final String account, final String amount) {
        return dev.orchestrator.avro.FundsRequest.newBuilder().setRequestId("chaos-" + account).setType(type)
                .setAccountId(account).setAmount(amount).setCurrency("USD").setRequestedBy("chaos")
                .setRequestedAt(Instant.now()).build();
    }

    /** A poison demand record of one of three kinds: random bytes, an unknown schema id, valid Avro with a negative size. */
    public void poison(final String id, final int kind, final java.util.Random random) {
        final byte[] value = switch (kind % 3) {
            case 0 -> {
                final byte[] bytes = new byte[1 + random.nextInt(64)];
                random.nextBytes(bytes);
                bytes[0] = (byte) (1 + random.nextInt(120));
                yield bytes;
            }
            case 1 -> new byte[] {0, 0x7f, 0x12, 0x34, 0x56, 2, 'x'};
            default -> topics.demand.valueSerde().serializer().serialize(topics.demand.name(),
                    demand(id, "c" + random.nextInt(20), "-" + (1 + random.nextInt(9))));
        };
        producer.send(new ProducerRecord<>(topics.demand.name(), id, value));
    }

    public void flush() {
        producer.flush();
    }

    /** Reads committed decisions until {@code expected} distinct demands are decided or the time is up; returns the count. */
    public long awaitDecisions(final long expected, final Duration timeout) {
        // the load's own demands; the escrow ledger's releases (ids "a:...") are waited for by the quiet period below
        final Set<String> decided = new HashSet<>();
        final Set<String> others = new HashSet<>();
        long lastNew = System.nanoTime();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "chaos-" + System.nanoTime(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.allocations.name()));
            final long deadline = System.nanoTime() + timeout.toNanos();
            while ((decided.size() < expected || System.nanoTime() - lastNew < QUIET_NANOS) && System.nanoTime() < deadline) {
                for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    final AllocationResult result = topics.allocations.valueSerde().deserializer()
                            .deserialize(record.topic(), record.value());
                    if (Verifier.isDecision(result)
                            && (result.getDemandId().startsWith("a:") ? others : decided).add(result.getDemandId())) {
                        lastNew = System.nanoTime();
                    }
                }
            }
        }
        return decided.size();
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
        producer.close(Duration.ofSeconds(30));
    }

    private static Demand demand(final String id, final String consumer, final String gb) {
        return Demand.newBuilder().setDemandId(id).setConsumerId(consumer).setType(DemandType.PLACE)
                .setKind(ResourceKind.STORAGE).setResources(ResourceSpec.newBuilder().setStorage(new Quantity(gb, "GB")).build())
                .setRequestedAt(Instant.now()).build();
    }

    private <V> void send(final Topic<String, V> topic, final String key, final V value) {
        producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), value)));
    }
}
