package dev.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.api.ingest.KafkaPublisher;
import dev.orchestrator.api.query.Unavailable;
import dev.orchestrator.avro.Sla;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.schemas.evolution.KnownSchemas;
import dev.orchestrator.schemas.serde.InProcessSchemaRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The real producer against a port where no broker listens: the write is refused in bounded time, not hung. */
class KafkaPublisherTest {
    @Test
    void aBrokerThatDoesNotAnswerIsUnavailableWithinTheTimeout() throws Exception {
        final int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        final InProcessSchemaRegistry registry = InProcessSchemaRegistry.inMemory();
        KnownSchemas.all().forEach(registry::preload);
        final Topics topics = Topics.create("", registry);
        final long started = System.nanoTime();
        try (KafkaPublisher publisher = new KafkaPublisher(Map.of("bootstrap.servers", "127.0.0.1:" + deadPort),
                Duration.ofSeconds(1))) {
            assertThatThrownBy(() -> publisher.publish(topics.sla, "gold", Sla.newBuilder().setSlaId("gold").setMaxLatencyMillis(10)
                    .setMinAvailability(0.99).setUpdatedAt(Instant.EPOCH).build()))
                    .isInstanceOf(Unavailable.class).hasMessageContaining("Kafka");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
    }
}
