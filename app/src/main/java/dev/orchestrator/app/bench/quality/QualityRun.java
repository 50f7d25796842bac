package dev.orchestrator.app.bench.quality;

import dev.orchestrator.app.bench.FleetWait;
import dev.orchestrator.app.demo.SimulatedExecutor;
import dev.orchestrator.app.kafka.TopicWriter;
import dev.orchestrator.app.verify.Verifier;
import dev.orchestrator.app.verify.VerifyReport;
import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.DataUnitEventType;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.avro.Quantity;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.avro.ResourceSpec;
import dev.orchestrator.avro.Sla;
import dev.orchestrator.avro.Telemetry;
import dev.orchestrator.schemas.Topics;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The {@code quality} profile: replays a seeded {@link QualityInstance} through the running engine in
 * arrival order, then plans the same instance offline with first-fit-decreasing and with the solver,
 * and compares what each placement costs.
 */
public final class QualityRun {
    /** Consumers of the instance care about cost alone, so the engine's choice is comparable. */
    private static final Map<String, Double> PRICE_ONLY = Map.of("price", 1.0, "latency", 0.0, "reliability", 0.0,
            "packing", 0.0);

    private final QualityInstance instance;
    private final String bootstrap;
    private final Topics topics;
    private final PrintStream out;
    private String applicationId;
    private Map<String, Double> weights = PRICE_ONLY;
    private Duration optimizerInterval;
    private int churnPercent;

    public QualityRun(final QualityInstance instance, final String bootstrap, final Topics topics, final PrintStream out) {
        this.instance = instance;
        this.bootstrap = bootstrap;
        this.topics = topics;
        this.out = out;
    }

    /** {@code extra} scorer weights over the price-only policy (e.g. alignment, best-fit). */
    public QualityRun withWeights(final Map<String, Double> extra) {
        final Map<String, Double> merged = new java.util.HashMap<>(PRICE_ONLY);
        merged.putAll(extra);
        this.weights = Map.copyOf(merged);
        return this;
    }

    /**
     * Runs the background optimizer phase ({@link OptimizerPhase}) after the stream, the engine's optimizer planning
     * every {@code interval}; a simulated executor (which never fails) confirms placements and moves.
     */
    public QualityRun withOptimizer(final Duration interval) {
        this.optimizerInterval = interval;
        return this;
    }

    /**
     * After the stream, releases {@code percent} of the placed demands (seeded), then sends unplaced demand again
     * ({@link OptimizerPhase}); the plans are then compared on the instance without the released demands.
     */
    public QualityRun withChurn(final int percent) {
        this.churnPercent = percent;
        return this;
    }

    /** Compares the audit's replay with the stores of the engine of this application id. */
    public QualityRun forApplication(final String id) {
        this.applicationId = id;
        return this;
    }

    public QualityResult run(final Duration solverLimit) throws InterruptedException {
        out.printf("... quality instance, family %s: %d units in %d regions, %,d demands (%s)%n", instance.terms().family(),
                instance.units().size(), instance.regions().size(), instance.demands().size(),
                QualityFamily.named(instance.terms().family()).description());
        out.printf("... the engine's consumers weigh its scorers %s (gpu-sparing 1 unless set)%n", new TreeMap<>(weights));
        final long started = System.nanoTime();
        final Map<String, String> engine = new HashMap<>();
        final Map<String, Long> rejections = new TreeMap<>();
        OptimizerPhase.Outcome after = null;
        final boolean phase = optimizerInterval != null || churnPercent > 0;
        final SimulatedExecutor executor = phase ? new SimulatedExecutor(bootstrap, topics, 0, "earliest") : null;
        double streamSeconds;
        try (TopicWriter producer = new TopicWriter(bootstrap, Map.of())) {
            if (executor != null) {
                executor.start();
            }
            register(producer);
            FleetWait.await(bootstrap, topics, instance.units().size(), out);
            for (final QualityInstance.Need need : instance.demands()) {
                producer.send(topics.demand, need.id(), demand(need));
            }
            producer.flush();
            collect(engine, rejections);
            streamSeconds = (System.nanoTime() - started) / 1e9;
            if (phase) {
                out.printf("... after the stream: %s%s%n", churnPercent > 0 ? churnPercent + "% of the placed released, " : "",
                        optimizerInterval != null ? "the background optimizer every " + optimizerInterval.toSeconds() + " s"
                                : "no optimizer");
                try (OptimizerPhase followUp = new OptimizerPhase(instance, bootstrap, topics, out)) {
                    after = followUp.run(producer, QualityRun::demand,
                            optimizerInterval != null ? optimizerInterval : Duration.ofSeconds(2), churnPercent);
                }
            }
        } finally {
            if (executor != null) {
                executor.close();
            }
        }
        // after churn the plans are compared on what is left to place: the instance without the released demands
        final QualityInstance compared = after == null || after.released().isEmpty() ? instance : instance.without(after.released());
        final PlanCost streamed = compared == instance ? PlanCost.of("engine (arrival order)", instance, engine, streamSeconds) : null;
        final PlanCost afterPhase = after == null ? null : PlanCost.of(optimizerInterval != null ? "engine + optimizer"
                : "engine + retries", compared, after.unitByNeed(), after.seconds());
        out.println("... first-fit-decreasing");
        long t0 = System.nanoTime();
        final PlanCost ffd = PlanCost.of("first-fit-decreasing", compared, FirstFitDecreasing.solve(compared),
                (System.nanoTime() - t0) / 1e9);
        out.printf("... Timefold solver, up to %d s%n", solverLimit.toSeconds());
        t0 = System.nanoTime();
        final PlanCost solved = PlanCost.of("Timefold (best known)", compared, SolverPlan.solve(compared, solverLimit),
                (System.nanoTime() - t0) / 1e9);
        out.println("... verifying the committed output");
        final VerifyReport report = new Verifier(topics, bootstrap, Map.of(), 0).forApplication(applicationId).verify();
        final List<PlanCost> plans = new java.util.ArrayList<>();
        if (streamed != null) {
            plans.add(streamed);
        }
        if (afterPhase != null) {
            plans.add(afterPhase);
        }
        plans.add(ffd);
        plans.add(solved);
        final PlanCost best = plans.stream().min((a, b) -> Long.compare(a.objectiveMicros(), b.objectiveMicros())).orElseThrow();
        final QualityResult.Optimized followUp = after == null ? null : new QualityResult.Optimized(
                afterPhase.gapPercent(best), after.moved(),
                afterPhase.placed() == 0 ? 0 : 100.0 * after.moved() / afterPhase.placed(), after.retried(),
                after.retriedPlaced(), after.released().size());
        final PlanCost engineRow = streamed != null ? streamed : afterPhase;
        return new QualityResult(instance.terms().family(), penaltyRule(instance.terms()), instance.units().size(),
                compared.demands().size(), plans, best.method(), engineRow.gapPercent(best), ffd.gapPercent(best), rejections,
                report.passed(), report.violations().size(), followUp);
    }

    private static String penaltyRule(final QualityInstance.Terms terms) {
        final String cost = terms.fixedCost() ? "each used unit's whole price per hour" : "the placements' pro-rata prices per hour";
        return "objective = " + cost + (terms.perUnitPenalty()
                ? String.format(" + $%.4f per rejected vCPU, $%.4f per GB, $%.2f per GPU", terms.perCoreMicros() / 1e6,
                        terms.perGbMicros() / 1e6, terms.perGpuMicros() / 1e6)
                : " + 2x the dearest allowed price of each unplaced demand");
    }

    private void register(final TopicWriter producer) {
        producer.send(topics.sla, QualityInstance.SLA_IDS[1], sla(QualityInstance.SLA_IDS[1], QualityInstance.SLA_LATENCY[1]));
        producer.send(topics.sla, QualityInstance.SLA_IDS[2], sla(QualityInstance.SLA_IDS[2], QualityInstance.SLA_LATENCY[2]));
        instance.demands().stream().map(QualityInstance.Need::consumerId).distinct().forEach(consumer ->
                producer.send(topics.policy, consumer, Policy.newBuilder().setConsumerId(consumer).setMaxUnits(1_000_000)
                        .setWeights(weights).setUpdatedAt(Instant.now()).build()));
        for (final QualityInstance.Unit unit : instance.units()) {
            producer.send(topics.dataUnit, unit.id(), DataUnitEvent.newBuilder().setEventId("reg-" + unit.id())
                    .setDataUnitId(unit.id()).setProviderId(unit.providerId()).setType(DataUnitEventType.REGISTER)
                    .setKind(ResourceKind.COMPUTE).setRegion(unit.region()).setCapacity(spec(unit.capacity()))
                    .setPricePerHour(new Money(BigDecimal.valueOf(unit.pricePerHourMicros(), 6), "USD"))
                    .setAdvertisedLatencyMillis(unit.latencyMillis()).setAdvertisedAvailability(0.999)
                    .setAt(Instant.now()).build());
            // one probe at the advertised latency: the SLA filter reads what telemetry says
            producer.send(topics.telemetry, unit.id(), Telemetry.newBuilder().setDataUnitId(unit.id())
                    .setProviderId(unit.providerId()).setObservedAt(Instant.now()).setLatencyMillis(unit.latencyMillis())
                    .setAvailable(true).build());
        }
        producer.flush();
    }

    private static Sla sla(final String id, final double maxLatency) {
        return Sla.newBuilder().setSlaId(id).setMaxLatencyMillis(maxLatency).setMinAvailability(0.9)
                .setWindowMillis(60_000).setPenaltyPercent(0).setUpdatedAt(Instant.now()).build();
    }

    private static Demand demand(final QualityInstance.Need need) {
        final Demand.Builder demand = Demand.newBuilder().setDemandId(need.id()).setConsumerId(need.consumerId())
                .setType(DemandType.PLACE).setKind(ResourceKind.COMPUTE).setResources(spec(need.capacity()))
                .setRequestedAt(Instant.now());
        if (!need.region().isEmpty()) {
            demand.setRegions(List.of(need.region()));
        }
        if (need.sla() != 0) {
            demand.setSlaId(QualityInstance.SLA_IDS[need.sla()]);
        }
        return demand.build();
    }

    private static ResourceSpec spec(final dev.orchestrator.topology.model.Capacity capacity) {
        return ResourceSpec.newBuilder().setCpu(new Quantity(String.valueOf(capacity.cpuMillis()), "m"))
                .setMemory(new Quantity(String.valueOf(capacity.memoryBytes() / 1_000_000), "MB"))
                .setGpuCount(capacity.gpuCount()).setGpuType(capacity.gpuCount() > 0 ? capacity.gpuType() : null).build();
    }

    private void collect(final Map<String, String> engine, final Map<String, Long> rejections) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "quality-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.allocations.name()));
            final long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            int decided = 0;
            while (decided < instance.demands().size() && System.nanoTime() < deadline) {
                for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    final AllocationResult result = topics.allocations.valueSerde().deserializer()
                            .deserialize(record.topic(), record.value());
                    if (!Verifier.isDecision(result)) {
                        continue;
                    }
                    decided++;
                    if (result.getStatus() == AllocationStatus.PLACED) {
                        engine.put(result.getDemandId(), result.getDataUnitId());
                    } else {
                        rejections.merge(result.getReason().name(), 1L, Long::sum);
                    }
                }
                out.printf("\r[quality] decided %,d of %,d", decided, instance.demands().size());
            }
            out.println();
        }
    }
}
