package dev.orchestrator.app;

import dev.orchestrator.app.kafka.PartitionsServing;
import dev.orchestrator.schemas.Topic;
import dev.orchestrator.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the product's topics that are missing, with explicit partition counts, and reports the rest. */
final class TopicProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final long TIMEOUT_SECONDS = 30;

    private TopicProvisioner() {
    }

    /** Returns the names of the topics it created. */
    static List<String> ensure(final Admin admin, final Topics topics, final int partitions, final int replicationFactor) {
        try {
            final Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            final List<NewTopic> missing = new ArrayList<>();
            final List<Topic<?, ?>> wanted = new ArrayList<>(topics.all());
            wanted.addAll(topics.internal());
            for (final Topic<?, ?> topic : wanted) {
                if (!existing.contains(topic.name())) {
                    missing.add(newTopic(topics, topic, partitions, replicationFactor));
                }
            }
            if (!missing.isEmpty()) {
                for (final Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> created
                        : admin.createTopics(missing).values().entrySet()) {
                    try {
                        created.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    } catch (final ExecutionException e) {
                        // another instance starting at the same moment created it first: that is fine
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw e;
                        }
                    }
                }
            }
            // only topics that were already there: those just created have the count asked for, and the
            // broker may not describe them yet (UnknownTopicOrPartition right after creation)
            final Set<String> justCreated = new java.util.HashSet<>();
            missing.forEach(topic -> justCreated.add(topic.name()));
            warnOnPartitionMismatch(admin, wanted.stream()
                    .filter(t -> !justCreated.contains(t.name()) && !topics.isSinglePartition(t)).toList(), partitions);
            final List<String> created = missing.stream().map(NewTopic::name).toList();
            // all of them: one created by another instance starting at the same moment may be as new as ours
            PartitionsServing.await(admin, wanted.stream().<String>map(Topic::name).toList(),
                    java.time.Duration.ofSeconds(TIMEOUT_SECONDS));
            LOG.info("topics ready created={} existing={}", created.size(), wanted.size() - created.size());
            return created;
        } catch (final TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + TIMEOUT_SECONDS + " s while creating topics");
        } catch (final ExecutionException e) {
            throw new IllegalStateException("cannot create topics: " + e.getCause().getMessage(), e.getCause());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    private static NewTopic newTopic(final Topics topics, final Topic<?, ?> topic, final int partitions,
                                     final int replicationFactor) {
        final Optional<Short> replicas = replicationFactor < 0 ? Optional.empty() : Optional.of((short) replicationFactor);
        final NewTopic created = new NewTopic(topic.name(), Optional.of(topics.isSinglePartition(topic) ? 1 : partitions),
                replicas);
        if (topics.isCompacted(topic)) {
            created.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        }
        return created;
    }

    /**
     * The number of partitions, and so of engine tasks: every topic an engine task reads a partition of
     * must have the same count, or a unit's events and commands would not meet on the task that owns
     * it. Fails naming the topics that differ; retries while a topic just created is not described yet.
     */
    static int copartitioned(final Admin admin, final Topics topics) {
        final List<String> names = topics.copartitioned().stream().<String>map(Topic::name).toList();
        for (int attempt = 1; ; attempt++) {
            try {
                final Map<String, TopicDescription> described =
                        admin.describeTopics(names).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                final Map<String, Integer> counts = new java.util.TreeMap<>();
                described.forEach((name, description) -> counts.put(name, description.partitions().size()));
                if (new java.util.HashSet<>(counts.values()).size() != 1) {
                    throw new IllegalStateException("the engine's input topics must have the same number of partitions, "
                            + "but they have " + counts + ": recreate them alike (topic.partitions) or add partitions");
                }
                return counts.values().iterator().next();
            } catch (final ExecutionException e) {
                if (attempt >= 10) {
                    throw new IllegalStateException("cannot describe the engine's topics " + names + ": "
                            + e.getCause().getMessage(), e.getCause());
                }
                sleep(500);
            } catch (final TimeoutException e) {
                throw new IllegalStateException("Kafka did not answer within " + TIMEOUT_SECONDS + " s while describing topics");
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while describing topics", e);
            }
        }
    }

    private static void sleep(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void warnOnPartitionMismatch(final Admin admin, final List<Topic<?, ?>> topics, final int partitions)
            throws ExecutionException, InterruptedException, TimeoutException {
        final List<String> names = topics.stream().<String>map(Topic::name).toList();
        if (names.isEmpty()) {
            return;
        }
        final Map<String, TopicDescription> described =
                admin.describeTopics(names).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        described.forEach((name, description) -> {
            if (description.partitions().size() != partitions) {
                // the engine joins its inputs by key: every topic must have the same partition count
                LOG.warn("topic {} has {} partitions, topic.partitions says {}; keeping the topic as it is",
                        name, description.partitions().size(), partitions);
            }
        });
    }
}
