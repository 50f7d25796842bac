package dev.orchestrator.app.bench.quality;

import dev.orchestrator.app.kafka.TopicWriter;
import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.schemas.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The quality profile with the background optimizer: after the stream, the engine's optimizer makes room for the
 * demand it turned away; when its moves have settled, each demand still unplaced is sent once more (a new demand id,
 * as a consumer retries), and so on for a few passes. Follows {@code allocations.v1} to know where every demand
 * ends (a migration's target included) and how many allocations moved.
 */
final class OptimizerPhase implements AutoCloseable {
    private static final int PASSES = 3;

    private final QualityInstance instance;
    private final Topics topics;
    private final PrintStream out;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, String> unitOf = new HashMap<>();
    private final Set<String> migrating = new HashSet<>();
    private final Set<String> moved = new HashSet<>();
    private final Map<String, String> decided = new HashMap<>();
    private long lastChange = System.nanoTime();

    /** Where each demand of the instance ends, how many moved, and how many of the retried were placed. */
    record Outcome(Map<String, String> unitByNeed, int moved, int retried, int retriedPlaced, Set<String> released,
                   double seconds) {
    }

    OptimizerPhase(final QualityInstance instance, final String bootstrap, final Topics topics, final PrintStream out) {
        this.instance = instance;
        this.topics = topics;
        this.out = out;
        this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "quality-optimizer-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topics.allocations.name()));
    }

    Outcome run(final TopicWriter producer, final Function<QualityInstance.Need, Demand> demand, final Duration interval,
                final int churnPercent) {
        final long started = System.nanoTime();
        final Map<String, String> needOf = new HashMap<>();
        instance.demands().forEach(n -> needOf.put(n.id(), n.id()));
        final Set<String> released = churnPercent > 0 ? churn(producer, interval, churnPercent) : Set.of();
        int retried = 0;
        int retriedPlaced = 0;
        for (int pass = 1; pass <= PASSES; pass++) {
            settle(interval);
            final Map<String, String> placed = unitByNeed(needOf);
            final List<QualityInstance.Need> unplaced = instance.demands().stream()
                    .filter(n -> !placed.containsKey(n.id()) && !released.contains(n.id())).toList();
            out.printf("... optimizer pass %d: %,d allocations moved so far, %,d demands unplaced, sent again%n", pass,
                    moved.size(), unplaced.size());
            if (unplaced.isEmpty()) {
                break;
            }
            final Set<String> ids = new HashSet<>();
            for (final QualityInstance.Need need : unplaced) {
                final String id = need.id() + ":retry" + pass;
                needOf.put(id, need.id());
                ids.add(id);
                final Demand retry = demand.apply(need);
                retry.setDemandId(id);
                retry.setRequestedAt(Instant.now());
                producer.send(topics.demand, id, retry);
            }
            producer.flush();
            retried += ids.size();
            final long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!decided.keySet().containsAll(ids) && System.nanoTime() < deadline) {
                poll();
            }
            if (!decided.keySet().containsAll(ids)) {
                throw new IllegalStateException("the engine decided " + ids.stream().filter(decided::containsKey).count()
                        + " of the " + ids.size() + " demands sent again within 2 minutes");
            }
            final long placedNow = ids.stream().filter(id -> "PLACED".equals(decided.get(id))).count();
            retriedPlaced += (int) placedNow;
            if (placedNow == 0) {
                break;
            }
        }
        settle(interval);
        return new Outcome(unitByNeed(needOf), moved.size(), retried, retriedPlaced, released, (System.nanoTime() - started) / 1e9);
    }

    /** Releases {@code percent} of the placed demands, chosen with a fixed seed, and waits until they are released. */
    private Set<String> churn(final TopicWriter producer, final Duration interval, final int percent) {
        settle(interval);
        final List<String> placed = new java.util.ArrayList<>(new java.util.TreeSet<>(unitOf.keySet()));
        java.util.Collections.shuffle(placed, new java.util.Random(11));
        final Set<String> released = new HashSet<>(placed.subList(0, placed.size() * percent / 100));
        for (final String id : released) {
            final QualityInstance.Need need = instance.demands().stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
            producer.send(topics.demand, id + ":release", Demand.newBuilder().setDemandId(id + ":release")
                    .setConsumerId(need.consumerId()).setType(dev.orchestrator.avro.DemandType.RELEASE).setReleaseOf(id)
                    .setRequestedAt(Instant.now()).build());
        }
        producer.flush();
        out.printf("... released %,d of %,d placed demands%n", released.size(), placed.size());
        final long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (released.stream().anyMatch(unitOf::containsKey) && System.nanoTime() < deadline) {
            poll();
        }
        if (released.stream().anyMatch(unitOf::containsKey)) {
            throw new IllegalStateException("the engine released " + released.stream().filter(id -> !unitOf.containsKey(id)).count()
                    + " of " + released.size() + " allocations within 2 minutes");
        }
        return released;
    }

    /** Polls until no migration is under way and nothing changed for three optimizer intervals (at most 3 minutes). */
    private void settle(final Duration interval) {
        final long quiet = interval.multipliedBy(3).plusSeconds(2).toNanos();
        final long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        lastChange = System.nanoTime();
        while (System.nanoTime() < deadline && (!migrating.isEmpty() || System.nanoTime() - lastChange < quiet)) {
            poll();
            out.printf("\r[quality] optimizer: %,d moved, %,d moving", moved.size(), migrating.size());
        }
        out.println();
    }

    private void poll() {
        for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            final AllocationResult result = topics.allocations.valueSerde().deserializer().deserialize(record.topic(), record.value());
            lastChange = System.nanoTime();
            final String id = result.getDemandId();
            final String action = result.getChange() == null ? "" : result.getChange().getAction();
            if (dev.orchestrator.app.verify.Verifier.isDecision(result)) {
                decided.put(id, result.getStatus().name());
            }
            if (result.getStatus() == AllocationStatus.MIGRATING) {
                migrating.add(id);
            } else if ("MIGRATED".equals(action)) {
                migrating.remove(id);
                moved.add(id);
            } else if ("MIGRATION_FAILED".equals(action)) {
                migrating.remove(id);
            }
            if ((result.getStatus() == AllocationStatus.PLACED || result.getStatus() == AllocationStatus.ACTIVE)
                    && result.getDataUnitId() != null) {
                unitOf.put(id, result.getDataUnitId());
            } else if (result.getStatus() != AllocationStatus.MIGRATING) {
                unitOf.remove(id);
            }
        }
    }

    private Map<String, String> unitByNeed(final Map<String, String> needOf) {
        final Map<String, String> byNeed = new HashMap<>();
        unitOf.forEach((id, unit) -> {
            final String need = needOf.get(id);
            if (need != null) {
                byNeed.put(need, unit);
            }
        });
        return byNeed;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
