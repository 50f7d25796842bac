package dev.orchestrator.app.bench;

import dev.orchestrator.app.bench.cost.CostSnapshot;
import dev.orchestrator.app.bench.cost.PathCost;
import dev.orchestrator.app.bench.query.QueryPhases;
import dev.orchestrator.app.kafka.TopicWriter;
import dev.orchestrator.app.verify.Verifier;
import dev.orchestrator.app.verify.VerifyReport;
import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.DataUnitEventType;
import dev.orchestrator.avro.DataUnitState;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.MetricEvent;
import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.avro.Quantity;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.avro.ResourceSpec;
import dev.orchestrator.avro.Telemetry;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.topology.decide.Placements;
import dev.orchestrator.topology.emit.Decisions;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Drives one profile through a running engine: loads the fleet and policies, sends demand open-loop
 * (latency counts from each demand's intended send time, so a stalled pipeline cannot hide its
 * queue), streams telemetry at the same time, and measures decisions as they are committed.
 */
public final class BenchRunner {
    private static final long GB = 1_000_000_000L;
    private static final long UNIT_GB = 1_000;
    /** Longer than the engine's metrics interval (5 s by default). */
    private static final Duration METRICS_SETTLE = Duration.ofSeconds(7);

    private final BenchProfile profile;
    private final String bootstrap;
    private final Topics topics;
    private final PrintStream out;
    private final long[] intendedMillis;
    private final Histogram latency = new Histogram(3_600_000L, 3);
    private final Map<String, Long> rejections = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong decided = new AtomicLong();
    private final AtomicLong placed = new AtomicLong();
    private final AtomicLong spilled = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean collecting = new AtomicBoolean(true);
    private final String engineId;
    private int engineJvms;
    private Map<String, String> clientSettings = Map.of();
    private volatile long lastDecisionNanos;
    private long maxHeapMb;
    private long maxRssMb;
    private QueryPhases phases;
    private long warmUpMillis;
    private boolean deposits;
    /** When the driver started, by the wall clock; latency counts demands intended from this plus the warm-up. */
    private volatile long driveStartMillis = Long.MAX_VALUE;
    private final AtomicLong warmingUp = new AtomicLong();
    /** The preemption profile's tally; null in the others. */
    private final SchedulingTally scheduling;
    private long waitSeconds = 30;

    /** {@code engineId}: the application id of the engine under test, which runs in this JVM. */
    public BenchRunner(final BenchProfile profile, final String bootstrap, final Topics topics, final String engineId,
                       final PrintStream out) {
        this.profile = profile;
        this.engineId = engineId;
        this.bootstrap = bootstrap;
        this.topics = topics;
        this.out = out;
        this.intendedMillis = new long[Math.toIntExact(profile.demands())];
        this.scheduling = profile.prioritized() ? new SchedulingTally(intendedMillis.length) : null;
    }

    /** Leaves the demands sent in the first {@code seconds} out of the latency percentiles (JIT, empty caches). */
    public BenchRunner withWarmUp(final int seconds) {
        this.warmUpMillis = seconds * 1000L;
        return this;
    }

    /** The preemption profile: how long a priority-0 demand may wait (priority 5 twice that, priority 10 not at all). */
    public BenchRunner withWaitSeconds(final int seconds) {
        this.waitSeconds = seconds;
        return this;
    }

    /** Whether every consumer deposits (more than the run can spend) before the load: payments are on. */
    public BenchRunner withDeposits(final boolean deposit) {
        this.deposits = deposit;
        return this;
    }

    /** Kafka client settings (security: protocol, SASL, TLS) every client of the run uses. */
    public BenchRunner withClientSettings(final Map<String, String> settings) {
        this.clientSettings = Map.copyOf(settings);
        return this;
    }

    /** {@code own} over the client settings, with the bootstrap servers. */
    private Map<String, Object> clients(final Map<String, Object> own) {
        final Map<String, Object> props = new java.util.HashMap<>(clientSettings);
        props.putAll(own);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return props;
    }

    /** The engine runs in {@code count} JVMs of its own: what this JVM's CPU and clients spend is the load's only. */
    public BenchRunner withSeparateEngines(final int count) {
        this.engineJvms = count;
        return this;
    }

    /** Runs a query load during the middle of three windows of the run; see {@link QueryPhases}. */
    public BenchRunner withQueries(final QueryPhases windows) {
        this.phases = windows;
        return this;
    }

    public BenchResult run(final double rate, final String guarantee, final String baselineStateDir) throws InterruptedException {
        try (TopicWriter producer = new TopicWriter(bootstrap, clients(Map.of(ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 131_072, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")))) {
            loadFleet(producer);
            FleetWait.await(bootstrap, clientSettings, topics, profile.units(), out);
            final Thread collector = thread("bench-collector", this::collect);
            final Thread telemetry = thread("bench-telemetry", () -> telemetry(producer));
            collector.start();
            telemetry.start();
            final CostSnapshot costBefore = CostSnapshot.take(engineId);
            final long cpuBefore = cpuNanos();
            final long started = System.nanoTime();
            final Thread driver = thread("bench-driver", () -> drive(producer, rate, started));
            driver.start();
            boolean stormed = profile.maintenanceShare() == 0;
            while (decided.get() < profile.demands()
                    && System.nanoTime() - Math.max(lastDecisionNanos, started) < Duration.ofSeconds(60).toNanos()) {
                Thread.sleep(1_000);
                progress(started);
                if (phases != null) {
                    phases.tick(decided.get(), System.nanoTime());
                }
                // halfway through the decisions, not the sends: the units must be holding allocations
                if (!stormed && decided.get() >= profile.demands() / 2) {
                    storm(producer);
                    stormed = true;
                }
            }
            running.set(false);
            driver.join();
            telemetry.join();
            final CostSnapshot costAfter = CostSnapshot.take(engineId);
            final long windowEnded = System.nanoTime();
            out.println();
            final double seconds = (lastDecisionNanos - started) / 1e9;
            final double cpuSeconds = (cpuNanos() - cpuBefore) / 1e9;
            out.println("... measuring the pass-through baseline on the same broker");
            final double baseline = PassThroughBaseline.measure(bootstrap, clientSettings, topics.demand.name(),
                    topics.prefix() + "bench.passthrough", sent.get(), guarantee, baselineStateDir);
            // the engine flushes its counters every few seconds: let the last spill counts arrive
            final long settle = METRICS_SETTLE.toNanos() - (System.nanoTime() - windowEnded);
            if (settle > 0) {
                Thread.sleep(settle / 1_000_000);
            }
            collecting.set(false);
            collector.join();
            final PathCost cost = PathCost.between(costBefore, costAfter, placed.get(), spilled.get(), topics);
            out.println("... verifying the committed output");
            final VerifyReport report = new Verifier(topics, bootstrap, clientSettings, 0).forApplication(engineId).verify();
            final double perSecond = decided.get() / seconds;
            return new BenchResult(profile.name(), profile.units(), sent.get(), decided.get(), placed.get(), seconds,
                    perSecond, placed.get() / seconds, rate, latency.getValueAtPercentile(50),
                    latency.getValueAtPercentile(99), latency.getValueAtPercentile(99.9), latency.getMaxValue(), baseline,
                    baseline > 0 ? perSecond / baseline : 0, placed.get() == 0 ? 0 : cpuSeconds * 1000 / placed.get(),
                    maxHeapMb, maxRssMb, new TreeMap<>(rejections), report.passed(), report.violations().size(), cost,
                    warmUpMillis / 1000, warmingUp.get(), engineJvms, scheduling == null ? null : scheduling.result(started));
        }
    }

    private void loadFleet(final TopicWriter producer) {
        out.printf("... registering %,d units in %d regions and %d consumers%n", profile.units(), profile.regions(),
                profile.consumers());
        final Random random = new Random(1);
        for (int u = 0; u < profile.units(); u++) {
            final String id = "u" + u;
            producer.send(topics.dataUnit, id, DataUnitEvent.newBuilder().setEventId("reg-" + id).setDataUnitId(id)
                    .setProviderId("p" + u % 100).setType(DataUnitEventType.REGISTER).setKind(ResourceKind.STORAGE)
                    .setRegion("region-" + u % profile.regions())
                    .setCapacity(ResourceSpec.newBuilder().setStorage(new Quantity(String.valueOf(UNIT_GB), "GB")).build())
                    .setPricePerHour(new Money(BigDecimal.valueOf(50 + random.nextInt(200), 2), "USD"))
                    .setAdvertisedLatencyMillis(2.0 + random.nextInt(30)).setAdvertisedAvailability(0.999)
                    .setAt(Instant.now()).build());
        }
        for (int c = 0; c < profile.consumers(); c++) {
            producer.send(topics.policy, "c" + c, Policy.newBuilder().setConsumerId("c" + c).setMaxUnits(1_000_000)
                    .setUpdatedAt(Instant.now()).build());
            if (deposits) {
                producer.send(topics.funds, "c" + c, dev.orchestrator.avro.FundsRequest.newBuilder().setRequestId(engineId)
                        .setType(dev.orchestrator.avro.FundsRequestType.DEPOSIT).setAccountId("c" + c)
                        .setAmount("1000000000").setCurrency("USD").setRequestedBy("bench").setRequestedAt(Instant.now())
                        .build());
            }
        }
        producer.flush();
        if (producer.failures() > 0) {
            throw new IllegalStateException(producer.failures() + " records of the fleet were not written: the run would "
                    + "measure a smaller fleet than it says");
        }
    }

    private void drive(final TopicWriter producer, final double rate, final long started) {
        final Random random = new Random(2);
        final long startMillis = System.currentTimeMillis();
        driveStartMillis = startMillis;
        final int hotRegion = 0;
        final Map<Integer, List<Integer>> earlier = new java.util.HashMap<>();
        for (int i = 0; i < profile.demands() && running.get(); i++) {
            long intended = System.currentTimeMillis();
            if (rate > 0) {
                intended = startMillis + (long) (i * 1000 / rate);
                final long wait = intended - System.currentTimeMillis();
                if (wait > 0) {
                    sleep(wait);
                }
            }
            intendedMillis[i] = intended;
            final String id = "d" + i;
            final int drawn = random.nextInt(profile.consumers());
            // the preemption profile sends a tenth of its demands as gangs: four in a row of one consumer, all or none
            final long block = i / SchedulingTally.GANG_SIZE;
            final boolean gang = scheduling != null && block % 10 == 3;
            final int consumer = gang ? (int) (block % profile.consumers()) : drawn;
            final Demand.Builder demand = Demand.newBuilder().setDemandId(id).setConsumerId("c" + consumer)
                    .setRequestedAt(Instant.ofEpochMilli(intended));
            final List<Integer> mine = earlier.computeIfAbsent(consumer, c -> new java.util.ArrayList<>());
            if (!gang && !mine.isEmpty() && random.nextDouble() < profile.releaseShare()) {
                // release an earlier demand of the same consumer, placed or not
                demand.setType(DemandType.RELEASE).setReleaseOf("d" + mine.remove(random.nextInt(mine.size())));
            } else {
                mine.add(i);
                demand.setType(DemandType.PLACE).setKind(ResourceKind.STORAGE)
                        .setResources(ResourceSpec.newBuilder().setStorage(new Quantity(String.valueOf(1 + random.nextInt(20)),
                                "GB")).build());
                if (random.nextDouble() < profile.hotShare()) {
                    demand.setRegions(List.of("region-" + hotRegion));
                }
                if (scheduling != null) {
                    // seven in ten batch (priority 0, waits --wait), two service (5, twice that), one urgent (10, no wait)
                    final double roll = random.nextDouble();
                    final int priority = roll < 0.7 ? 0 : roll < 0.9 ? 5 : 10;
                    scheduling.sent(i, priority);
                    demand.setPriority(priority).setMaxWaitSeconds(priority == 0 ? waitSeconds : priority == 5 ? 2 * waitSeconds : 0L);
                    if (gang) {
                        scheduling.gangMember(i);
                        demand.setGroupId("g" + block).setMinMembers((int) Math.min(SchedulingTally.GANG_SIZE,
                                profile.demands() - block * SchedulingTally.GANG_SIZE)).setGroupTimeoutSeconds(Math.max(1, waitSeconds));
                    }
                }
            }
            producer.send(topics.demand, id, demand.build());
            sent.incrementAndGet();
        }
        producer.flush();
    }

    private void storm(final TopicWriter producer) {
        final int count = (int) (profile.units() * profile.maintenanceShare());
        out.printf("%n... sending %,d units to maintenance%n", count);
        for (int u = 0; u < count; u++) {
            producer.send(topics.dataUnit, "u" + u, DataUnitEvent.newBuilder().setEventId("storm-" + u).setDataUnitId("u" + u)
                    .setProviderId("p" + u % 100).setType(DataUnitEventType.CHANGE_STATE)
                    .setTargetState(DataUnitState.MAINTENANCE).setAt(Instant.now()).build());
        }
    }

    private void telemetry(final TopicWriter producer) {
        final Random random = new Random(3);
        // every unit once per 10 s, spread evenly
        final long pauseNanos = Duration.ofSeconds(10).toNanos() / Math.max(1, profile.units());
        int unit = 0;
        long next = System.nanoTime();
        while (running.get()) {
            producer.send(topics.telemetry, "u" + unit, Telemetry.newBuilder().setDataUnitId("u" + unit)
                    .setProviderId("p" + unit % 100).setObservedAt(Instant.now())
                    .setLatencyMillis(2.0 + random.nextInt(30)).setAvailable(true).build());
            unit = (unit + 1) % profile.units();
            next += pauseNanos;
            final long wait = next - System.nanoTime();
            if (wait > 1_000_000) {
                sleep(wait / 1_000_000);
            }
        }
    }

    private void collect() {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(clients(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "bench-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000)), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.allocations.name(), topics.metrics.name()));
            while (collecting.get()) {
                for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.topic().equals(topics.metrics.name())) {
                        countSpills(record);
                        continue;
                    }
                    final AllocationResult result = topics.allocations.valueSerde().deserializer()
                            .deserialize(record.topic(), record.value());
                    if (!result.getDemandId().startsWith("d")) {
                        continue;
                    }
                    final int index = Integer.parseInt(result.getDemandId().substring(1));
                    if (scheduling != null && index < intendedMillis.length) {
                        scheduling.record(index, result);
                    }
                    if (!Decisions.isDecision(result)) {
                        continue;
                    }
                    final long now = System.currentTimeMillis();
                    final long millis = Math.max(0, Math.min(now - intendedMillis[index], latency.getHighestTrackableValue()));
                    if (intendedMillis[index] >= driveStartMillis + warmUpMillis) {
                        latency.recordValue(millis);
                    } else {
                        warmingUp.incrementAndGet();
                    }
                    if (phases != null) {
                        phases.decided(result.getDemandId(), millis);
                    }
                    decided.incrementAndGet();
                    lastDecisionNanos = System.nanoTime();
                    if (result.getStatus() == AllocationStatus.PLACED) {
                        placed.incrementAndGet();
                    } else if (result.getStatus() == AllocationStatus.REJECTED) {
                        rejections.merge(result.getReason().name(), 1L, Long::sum);
                    }
                }
            }
        }
    }

    private void countSpills(final ConsumerRecord<String, byte[]> record) {
        final MetricEvent metric;
        try {
            metric = topics.metrics.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (final RuntimeException foreign) {
            // another writer's record on a shared cluster (--bootstrap): not ours to count
            return;
        }
        if (metric != null && Placements.SPILLED.equals(metric.getName())
                && Double.isFinite(metric.getValue()) && metric.getValue() >= 0 && metric.getValue() < 1e12) {
            spilled.addAndGet(Math.round(metric.getValue()));
        }
    }

    private void progress(final long started) {
        final double seconds = (System.nanoTime() - started) / 1e9;
        final long heap = usedHeapMb();
        maxHeapMb = Math.max(maxHeapMb, heap);
        maxRssMb = Math.max(maxRssMb, ResidentMemory.megabytes());
        out.printf("\r[%s] %4.0f s  sent %,d/%,d  decided %,d (%,.0f/s)  p99 %,d ms  heap %,d MB   ", profile.name(),
                seconds, sent.get(), profile.demands(), decided.get(), decided.get() / seconds,
                latency.getValueAtPercentile(99), heap);
    }

    private static Thread thread(final String name, final Runnable body) {
        final Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void sleep(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long usedHeapMb() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
    }
}
