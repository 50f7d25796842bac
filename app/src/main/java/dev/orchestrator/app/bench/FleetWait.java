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

/** Waits until the engine has published a view of every registered unit, so scoring sees the whole fleet. */
public final class UnitViewWait {
    private UnitViewWait() {
    }

    public static void await(final String bootstrap, final Topics topics, final long units, final PrintStream out)
            throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            final long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            long views = 0;
            while (views < units && System.nanoTime() < deadline) {
                Thread.sleep(500);
                final var partitions = admin.describeTopics(List.of(topics.unitViews.name())).allTopicNames().get()
                        .get(topics.unitViews.name()).partitions().stream()
                        .map(p -> new TopicPartition(topics.unitViews.name(), p.partition()))
                        .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
                views = admin.listOffsets(partitions).all().get().values().stream().mapToLong(o -> o.offset()).sum();
                out.printf("\r... waiting for unit views: %,d of %,d", views, units);
            }
            out.println();
        } catch (final ExecutionException e) {
            throw new IllegalStateException("cannot read unit view offsets: " + e.getCause().getMessage(), e);
        }
        // the global store applies what was published a moment later
        Thread.sleep(2_000);
    }
}
