package dev.orchestrator.app.demo;

import dev.orchestrator.avro.BudgetPeriod;
import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.DataUnitEventType;
import dev.orchestrator.avro.DataUnitState;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.avro.Quantity;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.avro.ResourceSpec;
import dev.orchestrator.avro.FundsRequest;
import dev.orchestrator.avro.FundsRequestType;
import dev.orchestrator.avro.Sla;
import dev.orchestrator.avro.Telemetry;
import dev.orchestrator.app.kafka.TopicWriter;
import dev.orchestrator.schemas.Topics;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's outside world: providers registering units and sending heartbeats, operators writing
 * policies and an SLA and sending units to maintenance, and consumers sending demand (some of it
 * too large, some of it invalid) and releasing what they hold. Everything goes through the topics.
 */
public final class FleetSimulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FleetSimulator.class);
    private static final List<String> REGIONS = List.of("eu-west-1", "us-east-1", "ap-south-1");
    /** Storage providers 0-4, eight disks each; provider-4's disks stall now and then. */
    private static final int PROVIDERS = 5;
    private static final int UNITS_PER_PROVIDER = 8;
    /**
     * Compute providers after them, each a pool per region at its own price: GPU nodes of two models
     * (a dear, scarce a100 cloud and a cheaper l4 market) and plain CPU nodes. Whole-node prices per hour;
     * a placement pays its share of the node's fullest dimension.
     */
    private static final List<ComputePool> COMPUTE = List.of(
            new ComputePool(5, "gpu", List.of("us-east-1", "eu-west-1"), 4, 64, 512, 8, "a100", 2400),
            new ComputePool(6, "gpu", List.of("eu-west-1", "ap-south-1"), 4, 48, 192, 4, "l4", 600),
            new ComputePool(7, "cpu", REGIONS, 4, 96, 384, 0, null, 300));
    /** Every provider, storage and compute. */
    public static final int ALL_PROVIDERS = PROVIDERS + COMPUTE.size();

    /** One compute provider's nodes: {@code nodesPerRegion} alike in each region, priced in cents per hour. */
    private record ComputePool(int provider, String prefix, List<String> regions, int nodesPerRegion, int vcpus,
                               int memoryGib, int gpus, String gpuModel, int centsPerHour) {
    }
    private static final List<String> CONSUMERS = List.of("team-a", "team-b", "team-c");
    /** The demo's on-call team, whose urgent GPU jobs preempt batch work. */
    private static final String URGENT = "on-call";
    /** The demo's research team, whose training jobs are gangs. */
    private static final String RESEARCH = "research";

    private final Topics topics;
    private final TopicWriter producer;
    private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(1, r -> {
        final Thread thread = new Thread(r, "demo-fleet");
        thread.setDaemon(true);
        return thread;
    });
    private final Random random = new Random(7);
    private final List<String> units = new ArrayList<>();
    private final List<String[]> placed = new ArrayList<>();
    /** Demand ids carry the start time, so a restarted demo never repeats the ids of a run before it. */
    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private final long started = System.currentTimeMillis();
    private long demands;

    /** Whether money moves: consumers deposit and top up, providers stake. */
    private final boolean payments;
    private final String currency;
    private int topUps;

    public FleetSimulator(final String bootstrap, final Topics topics) {
        this(bootstrap, topics, false, "USD");
    }

    public FleetSimulator(final String bootstrap, final Topics topics, final boolean payments, final String currency) {
        this.topics = topics;
        this.producer = new TopicWriter(bootstrap, Map.of(ProducerConfig.LINGER_MS_CONFIG, 5));
        this.payments = payments;
        this.currency = currency;
    }

    /** Registers the fleet and starts the demand, telemetry and maintenance loops. */
    public void start(final double demandsPerSecond) {
        setUp();
        clock.scheduleAtFixedRate(this::guarded, 0, Math.max(1, (long) (1000 / demandsPerSecond)), TimeUnit.MILLISECONDS);
        clock.scheduleAtFixedRate(this::heartbeats, 0, 2, TimeUnit.SECONDS);
        clock.scheduleAtFixedRate(this::maintenance, 15, 20, TimeUnit.SECONDS);
        if (payments) {
            clock.scheduleAtFixedRate(this::topUp, 10, 10, TimeUnit.MINUTES);
        }
        new DemoStackOperator(producer, topics, clock).start();
        // every two minutes team-c fills the a100s with batch jobs (some wait), then team-a's urgent jobs preempt some
        clock.scheduleAtFixedRate(this::gpuRush, 30, 120, TimeUnit.SECONDS);
        // between rushes the research team asks for a training gang: CPU or l4 workers, all together or none
        clock.scheduleAtFixedRate(this::trainingGang, 75, 120, TimeUnit.SECONDS);
        LOG.info("demo fleet started providers={} units={} demandsPerSecond={}", ALL_PROVIDERS, units.size(), demandsPerSecond);
    }

    private void setUp() {
        // a breach is judged (and slashed) per minute
        producer.send(topics.sla, "gold", Sla.newBuilder().setSlaId("gold").setMaxLatencyMillis(40).setMinAvailability(0.95)
                .setPenaltyPercent(50).setWindowMillis(60_000).setUpdatedAt(Instant.now()).build());
        if (payments) {
            for (final String consumer : CONSUMERS) {
                funds(FundsRequestType.DEPOSIT, consumer, "500", "start");
            }
            funds(FundsRequestType.DEPOSIT, DemoStackOperator.STACK_OWNER, "2000", "start");
            funds(FundsRequestType.DEPOSIT, URGENT, "2000", "start");
            funds(FundsRequestType.DEPOSIT, RESEARCH, "2000", "start");
            for (int p = 0; p < ALL_PROVIDERS; p++) {
                funds(FundsRequestType.STAKE, "provider-" + p, "100", "start");
            }
        }
        // team-a's demands come first (priority 10: they preempt, and go first when several wait) and wait up
        // to 2 minutes; team-c's batch jobs wait 3 minutes, and half of them may be preempted per window
        producer.send(topics.policy, "team-a", Policy.newBuilder().setConsumerId("team-a").setMaxUnits(25)
                .setPriority(10).setMaxWaitSeconds(120L).setUpdatedAt(Instant.now()).build());
        producer.send(topics.policy, "team-c", Policy.newBuilder().setConsumerId("team-c").setMaxWaitSeconds(180L)
                .setDisruptionBudgetPercent(50).setUpdatedAt(Instant.now()).build());
        // the on-call team: no quota, the highest priority; its urgent GPU jobs preempt the batch jobs of team-c
        producer.send(topics.policy, URGENT, Policy.newBuilder().setConsumerId(URGENT).setPriority(100)
                .setMaxWaitSeconds(60L).setUpdatedAt(Instant.now()).build());
        // an hourly budget: team-b runs out now and then and gets BUDGET_EXCEEDED, then recovers each hour
        producer.send(topics.policy, "team-b", Policy.newBuilder().setConsumerId("team-b")
                .setBudget(new Money(new BigDecimal("5.00"), "USD")).setBudgetPeriod(BudgetPeriod.HOUR)
                .setAllowedRegions(List.of("eu-west"))
                .setUpdatedAt(Instant.now()).build());
        for (int p = 0; p < PROVIDERS; p++) {
            for (int u = 0; u < UNITS_PER_PROVIDER; u++) {
                final String id = "unit-" + p + "-" + u;
                units.add(id);
                producer.send(topics.dataUnit, id, DataUnitEvent.newBuilder().setEventId("register-" + id).setDataUnitId(id)
                        .setProviderId("provider-" + p).setType(DataUnitEventType.REGISTER).setKind(ResourceKind.STORAGE)
                        .setRegion(REGIONS.get((p + u) % REGIONS.size()))
                        .setCapacity(ResourceSpec.newBuilder().setStorage(new Quantity(String.valueOf(500 + 250 * (u % 3)), "GB")).build())
                        .setPricePerHour(new Money(BigDecimal.valueOf(50 + random.nextInt(150), 2), "USD"))
                        .setAdvertisedLatencyMillis(5.0 + random.nextInt(40)).setAdvertisedAvailability(0.999)
                        .setAt(Instant.now()).build());
            }
        }
        for (final ComputePool pool : COMPUTE) {
            int n = 0;
            for (final String region : pool.regions()) {
                for (int node = 0; node < pool.nodesPerRegion(); node++) {
                    final String id = pool.prefix() + "-" + pool.provider() + "-" + n++;
                    units.add(id);
                    producer.send(topics.dataUnit, id, DataUnitEvent.newBuilder().setEventId("register-" + id).setDataUnitId(id)
                            .setProviderId("provider-" + pool.provider()).setType(DataUnitEventType.REGISTER)
                            .setKind(ResourceKind.COMPUTE).setRegion(region)
                            .setCapacity(ResourceSpec.newBuilder().setCpu(new Quantity(String.valueOf(pool.vcpus()), "vcpu"))
                                    .setMemory(new Quantity(String.valueOf(pool.memoryGib()), "GiB"))
                                    .setGpuCount(pool.gpus()).setGpuType(pool.gpuModel()).build())
                            .setPricePerHour(new Money(BigDecimal.valueOf(pool.centsPerHour() + random.nextInt(50), 2), "USD"))
                            .setAdvertisedLatencyMillis(5.0 + random.nextInt(20)).setAdvertisedAvailability(0.999)
                            .setAt(Instant.now()).build());
                }
            }
        }
        producer.flush();
    }

    private void guarded() {
        try {
            demand();
        } catch (final RuntimeException e) {
            LOG.warn("demo demand loop: {}", e.toString());
        }
    }

    private void demand() {
        final String id = "demand-" + run + "-" + (++demands);
        final String consumer = CONSUMERS.get(random.nextInt(3));
        if (!placed.isEmpty() && random.nextInt(5) == 0) {
            final String[] target = placed.remove(random.nextInt(placed.size()));
            producer.send(topics.demand, id, Demand.newBuilder().setDemandId(id).setConsumerId(target[1])
                    .setType(DemandType.RELEASE).setReleaseOf(target[0]).setRequestedAt(Instant.now()).build());
            return;
        }
        final Demand.Builder demand = Demand.newBuilder().setDemandId(id).setConsumerId(consumer).setType(DemandType.PLACE)
                .setRequestedAt(Instant.now());
        if (random.nextInt(4) == 0) {
            demand.setKind(ResourceKind.COMPUTE).setResources(computeAsk());
            if ("a100".equals(demand.getResources().getGpuType())) {
                // the scarce GPUs: every consumer's a100 jobs wait for one rather than fail
                demand.setMaxWaitSeconds(90L);
            }
        } else {
            // now and then an impossible or malformed ask, so rejections show up with their reasons
            final int roll = random.nextInt(40);
            final String size = roll == 0 ? "5000" : roll == 1 ? "-3" : String.valueOf(5 + random.nextInt(120));
            demand.setKind(ResourceKind.STORAGE).setResources(ResourceSpec.newBuilder().setStorage(new Quantity(size, "GB")).build());
        }
        if (random.nextInt(4) == 0) {
            demand.setSlaId("gold");
        }
        // every placement ends (10-60 s, or sooner when released), so arrivals and departures balance:
        // about 16 placements/s of ~65 GB held ~35 s keep the 30 TB fleet around half full for hours
        demand.setDurationMillis(10_000L + random.nextInt(50_000));
        producer.send(topics.demand, id, demand.build());
        placed.add(new String[] {id, consumer});
        if (placed.size() > 200) {
            // releases pick among recent placements, most of which still hold their capacity
            placed.remove(0);
        }
    }

    /**
     * A compute job: four in ten want GPUs (an a100 pair or one, an l4, or now and then an h100 nobody
     * offers, rejected as infeasible), the rest vCPUs and memory only.
     */
    private ResourceSpec computeAsk() {
        final int roll = random.nextInt(100);
        final ResourceSpec.Builder ask = ResourceSpec.newBuilder();
        if (roll < 40) {
            final String model = roll < 2 ? "h100" : roll < 20 ? "a100" : "l4";
            final int gpus = model.equals("a100") ? 1 + random.nextInt(2) : 1;
            return ask.setCpu(new Quantity(String.valueOf(4 * gpus), "vcpu")).setMemory(new Quantity(String.valueOf(32 * gpus), "GiB"))
                    .setGpuCount(gpus).setGpuType(model).build();
        }
        return ask.setCpu(new Quantity(String.valueOf(2 + 2 * random.nextInt(8)), "vcpu"))
                .setMemory(new Quantity(String.valueOf(4 + 4 * random.nextInt(16)), "GiB")).build();
    }

    /**
     * The scheduling show: team-c sends 36 two-GPU a100 batch jobs of 90 s, more than the 64 a100s hold
     * beside the steady load, so the last wait (WAITING) and are placed as others end; 20 s later the
     * on-call team (priority 100) sends two four-GPU jobs that fit nowhere and preempt team-c's jobs, which
     * are placed again or wait. All of it shows in the live feed and in each demand's explain.
     */
    private void gpuRush() {
        try {
            final long round = (System.currentTimeMillis() - started) / 120_000;
            for (int i = 0; i < 36; i++) {
                gpuJob("rush-" + run + "-" + round + "-c" + i, "team-c", 2, 90_000);
            }
            clock.schedule(() -> {
                for (int i = 0; i < 2; i++) {
                    gpuJob("rush-" + run + "-" + round + "-urgent" + i, URGENT, 4, 40_000);
                }
                producer.flush();
            }, 20, TimeUnit.SECONDS);
            producer.flush();
        } catch (final RuntimeException e) {
            LOG.warn("demo GPU rush: {}", e.toString());
        }
    }

    /**
     * The gang show: the research team's training job needs its workers at once (groupId, minMembers): they gather
     * WAITING, then are placed together in one transaction, or none is and all end REJECTED GANG_TIMEOUT
     * after a minute. Even rounds ask for four 16-vCPU CPU workers (there is room for them); odd rounds for
     * six two-GPU l4 workers, which the l4s beside the steady load rarely hold at once.
     */
    private void trainingGang() {
        try {
            final long round = (System.currentTimeMillis() - started) / 120_000;
            final boolean cpu = round % 2 == 0;
            final int workers = cpu ? 4 : 6;
            for (int i = 0; i < workers; i++) {
                final String id = "train-" + run + "-" + round + "-w" + i;
                final Demand.Builder worker = cpu ? Demand.newBuilder().setDemandId(id).setConsumerId(RESEARCH)
                        .setType(DemandType.PLACE).setKind(ResourceKind.COMPUTE).setResources(ResourceSpec.newBuilder()
                                .setCpu(new Quantity("16", "vcpu")).setMemory(new Quantity("64", "GiB")).build())
                        .setDurationMillis(60_000L).setRequestedAt(Instant.now())
                        : gpu(id, RESEARCH, "l4", 2, 60_000, List.of("eu-west-1", "ap-south-1"));
                producer.send(topics.demand, id, worker.setGroupId("train-" + run + "-" + round).setMinMembers(workers)
                        .setGroupTimeoutSeconds(60L).build());
            }
            producer.flush();
        } catch (final RuntimeException e) {
            LOG.warn("demo training gang: {}", e.toString());
        }
    }

    private void gpuJob(final String id, final String consumer, final int gpus, final long millis) {
        producer.send(topics.demand, id, gpu(id, consumer, "a100", gpus, millis, List.of("us-east-1", "eu-west-1")).build());
    }

    private static Demand.Builder gpu(final String id, final String consumer, final String model, final int gpus,
                                      final long millis, final List<String> regions) {
        return Demand.newBuilder().setDemandId(id).setConsumerId(consumer).setType(DemandType.PLACE)
                .setKind(ResourceKind.COMPUTE).setResources(ResourceSpec.newBuilder()
                        .setCpu(new Quantity(String.valueOf(4 * gpus), "vcpu")).setMemory(new Quantity(String.valueOf(32 * gpus), "GiB"))
                        .setGpuCount(gpus).setGpuType(model).build())
                .setRegions(regions).setDurationMillis(millis).setRequestedAt(Instant.now());
    }

    private void heartbeats() {
        try {
            for (final String unit : units) {
                final int provider = Integer.parseInt(unit.split("-")[1]);
                // provider-4's disks stall for 30 s of every two minutes: its gold allocations breach, are slashed and move
                final boolean stalled = provider == 4 && (System.currentTimeMillis() - started) / 1000 % 120 >= 60
                        && (System.currentTimeMillis() - started) / 1000 % 120 < 90;
                final double latency = (stalled ? 70 : 8) + random.nextGaussian() * 3;
                producer.send(topics.telemetry, unit, Telemetry.newBuilder().setDataUnitId(unit).setProviderId("provider-" + provider)
                        .setObservedAt(Instant.now()).setLatencyMillis(Math.max(0.5, latency))
                        .setAvailable(random.nextInt(100) != 0).build());
            }
        } catch (final RuntimeException e) {
            LOG.warn("demo telemetry loop: {}", e.toString());
        }
    }

    /** The simulated provider the demo's executor drives: the demo edits it behind the executor's back. */
    public static final String FLEET = "demo";

    /** Consumers top their accounts up now and then, so the demo runs for hours. */
    private void topUp() {
        try {
            topUps++;
            for (final String consumer : CONSUMERS) {
                funds(FundsRequestType.DEPOSIT, consumer, "200", "top-up-" + topUps);
            }
        } catch (final RuntimeException e) {
            LOG.warn("demo top-up loop: {}", e.toString());
        }
    }

    /** A deposit or stake, with a Stellar address for the account (derived from its name, so it stays the same). */
    private void funds(final FundsRequestType type, final String account, final String amount, final String request) {
        producer.send(topics.funds, account, FundsRequest.newBuilder().setRequestId(run + "-" + request).setType(type)
                .setAccountId(account).setAmount(amount).setCurrency(currency).setStellarAddress(address(account))
                .setRequestedBy("demo").setRequestedAt(Instant.now()).build());
    }

    private static String address(final String account) {
        final byte[] seed = new byte[32];
        final byte[] name = account.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        System.arraycopy(name, 0, seed, 0, Math.min(name.length, seed.length));
        return org.stellar.sdk.KeyPair.fromSecretSeed(seed).getAccountId();
    }

    private void maintenance() {
        try {
            final String unit = units.get(random.nextInt(units.size()));
            LOG.info("demo operator sends unit={} to maintenance for 15 s", unit);
            changeState(unit, DataUnitState.MAINTENANCE);
            clock.schedule(() -> changeState(unit, DataUnitState.AVAILABLE), 15, TimeUnit.SECONDS);
        } catch (final RuntimeException e) {
            LOG.warn("demo maintenance loop: {}", e.toString());
        }
    }

    private void changeState(final String unit, final DataUnitState state) {
        producer.send(topics.dataUnit, unit, DataUnitEvent.newBuilder().setEventId(unit + "-" + state + "-" + System.nanoTime())
                .setDataUnitId(unit).setProviderId("provider-" + unit.split("-")[1]).setType(DataUnitEventType.CHANGE_STATE)
                .setTargetState(state).setReason("demo maintenance window").setAt(Instant.now()).build());
    }

    @Override
    public void close() {
        clock.shutdownNow();
        producer.close();
    }
}
