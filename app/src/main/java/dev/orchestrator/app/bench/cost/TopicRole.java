package dev.orchestrator.app.bench.cost;

import dev.orchestrator.schemas.Topics;
import java.util.Set;

/** Where a topic sits on the decision path, for counting what a placement appends. */
public enum TopicRole {
    /** Written by producers, providers and executors: the demand itself, telemetry, outcomes. */
    INPUT,
    /** Between the engine's own stages: another exactly-once transaction in series for each record. */
    INTERNAL,
    /** State store changelogs. */
    CHANGELOG,
    /** Decisions, commands, audit, metrics and dead letters. */
    OUTPUT;

    /** The role of {@code topic}; a topic the engine does not know of counts as output. */
    public static TopicRole of(final String topic, final Topics topics) {
        if (topic.endsWith("-changelog")) {
            return CHANGELOG;
        }
        if (topic.endsWith("-repartition") || topic.equals(topics.route.name())) {
            return INTERNAL;
        }
        if (names(topics.demand.name(), topics.telemetry.name(), topics.policy.name(), topics.sla.name(),
                topics.dataUnit.name(), topics.outcomes.name()).contains(topic)) {
            return INPUT;
        }
        return OUTPUT;
    }

    private static Set<String> names(final String... names) {
        return Set.of(names);
    }
}
