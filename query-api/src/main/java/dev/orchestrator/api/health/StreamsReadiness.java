package dev.orchestrator.api.health;

import org.apache.kafka.streams.KafkaStreams;

/**
 * Ready when Kafka Streams is RUNNING: every task is assigned and its stores restored. While it
 * rebalances or restores, queries would see partial state, so the instance reports not ready.
 */
public final class StreamsReadiness implements Readiness {
    private final KafkaStreams streams;

    public StreamsReadiness(final KafkaStreams streams) {
        this.streams = streams;
    }

    @Override
    public ReadinessReport report() {
        final KafkaStreams.State state = streams.state();
        return new ReadinessReport(state == KafkaStreams.State.RUNNING, state.name());
    }
}
