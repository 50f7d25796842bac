package dev.orchestrator.app.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits until every partition of topics just created is served by its leader. A broker describes a new
 * partition a moment before its replica manager has it: an idempotent producer writing then can have its
 * first request refused and its second accepted, after which the first is refused forever as out of
 * order and its records are lost when the delivery timeout expires (KAFKA-15591, not fixed in 4.3).
 * A partition that answers a list-offsets request is the leader's own, so writes to it are in order.
 */
public final class PartitionsServing {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionsServing.class);
    private static final long RETRY_MILLIS = 100;

    private PartitionsServing() {
    }

    /** Returns once every partition of {@code topics} answers, or throws naming the topics after {@code limit}. */
    public static void await(final Admin admin, final Collection<String> topics, final Duration limit) {
        if (topics.isEmpty()) {
            return;
        }
        final long started = System.nanoTime();
        final long deadline = started + limit.toNanos();
        String lastError = "no answer";
        for (int attempt = 1; System.nanoTime() < deadline; attempt++) {
            try {
                final Map<String, TopicDescription> described =
                        admin.describeTopics(topics).allTopicNames().get(limit.toMillis(), TimeUnit.MILLISECONDS);
                final Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
                described.forEach((name, description) -> description.partitions()
                        .forEach(p -> partitions.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
                admin.listOffsets(partitions, new ListOffsetsOptions().timeoutMs((int) Math.min(5_000, limit.toMillis())))
                        .all().get(limit.toMillis(), TimeUnit.MILLISECONDS);
                final long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                if (attempt > 1) {
                    LOG.info("topics served by their leaders topics={} partitions={} waited={} ms", topics.size(),
                            partitions.size(), waited);
                }
                return;
            } catch (final ExecutionException e) {
                lastError = e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage();
            } catch (final TimeoutException e) {
                lastError = "no answer within " + limit.toSeconds() + " s";
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topics " + topics, e);
            }
            try {
                Thread.sleep(RETRY_MILLIS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topics " + topics, e);
            }
        }
        throw new IllegalStateException("the partitions of " + topics + " have no serving leader after "
                + limit.toSeconds() + " s: " + lastError);
    }
}
