package dev.orchestrator.app.bench;

import dev.orchestrator.schemas.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Waits until the engine has registered every unit of the fleet (each registration is the unit's first
 * audit event), then a moment for the tasks to tell each other what their pools hold.
 */
public final class FleetWait {
    private FleetWait() {
    }

    public static void await(final String bootstrap, final Topics topics, final long units, final PrintStream out)
            throws InterruptedException {
        await(bootstrap, Map.of(), topics, units, out);
    }

    /** As {@link #await(String, Topics, long, PrintStream)}, with the Kafka client settings (security) of {@code clientSettings}. */
    public static void await(final String bootstrap, final Map<String, String> clientSettings, final Topics topics, final long units,
                             final PrintStream out) throws InterruptedException {
        final Map<String, Object> props = new java.util.HashMap<>(clientSettings);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            final long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            long registered = 0;
            while (registered < units && System.nanoTime() < deadline) {
                Thread.sleep(500);
                final var partitions = admin.describeTopics(List.of(topics.audit.name())).allTopicNames().get()
                        .get(topics.audit.name()).partitions().stream()
                        .map(p -> new TopicPartition(topics.audit.name(), p.partition()))
                        .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
                registered = admin.listOffsets(partitions).all().get().values().stream().mapToLong(o -> o.offset()).sum();
                out.printf("\r... waiting for the engine to register the fleet: %,d of %,d", Math.min(registered, units), units);
            }
            out.println();
        } catch (final ExecutionException e) {
            throw new IllegalStateException("cannot read audit offsets: " + e.getCause().getMessage(), e);
        }
        // pool summaries go out every half second: every task knows the others' pools after a couple of them
        Thread.sleep(2_000);
    }
}
