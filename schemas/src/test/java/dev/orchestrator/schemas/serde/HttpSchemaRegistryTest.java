package dev.orchestrator.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.avro.MetricEvent;
import dev.orchestrator.avro.MetricType;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpSchemaRegistryTest {
    private final ConfluentRegistryStandIn standIn;
    private final HttpSchemaRegistry client;

    HttpSchemaRegistryTest() throws IOException {
        standIn = new ConfluentRegistryStandIn();
        client = new HttpSchemaRegistry(standIn.uri(), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        standIn.close();
    }

    @Test
    void registersUnderTheTopicValueSubjectOnceAndFetchesByIdOnce() {
        final AvroSerializer<MetricEvent> writer = new AvroSerializer<>(client, MetricEvent.class);
        // a second client, as a consumer in another process would be: it must fetch the schema by id
        final HttpSchemaRegistry readerClient = new HttpSchemaRegistry(standIn.uri(), Duration.ofSeconds(5));
        final AvroDeserializer<MetricEvent> reader = new AvroDeserializer<>(readerClient, MetricEvent.class);
        final MetricEvent event = MetricEvent.newBuilder()
                .setName("n").setType(MetricType.COUNTER).setValue(2).setAt(Instant.EPOCH).build();

        for (int i = 0; i < 3; i++) {
            assertThat(reader.deserialize("metrics.v1", writer.serialize("metrics.v1", event))).isEqualTo(event);
        }

        assertThat(standIn.requests).containsExactly("POST /subjects/metrics.v1-value/versions",
                "GET /schemas/ids/" + InProcessSchemaRegistry.idOf(MetricEvent.getClassSchema()));
    }

    @Test
    void reportsTheRegistrysErrorCodeAndMessage() {
        assertThatThrownBy(() -> client.byId(99))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessage("schema registry refused to fetch schema id 99: HTTP 404 error_code=40403"
                        + " schema id 99 is not registered");
    }

    @Test
    void reportsAnIncompatibleRegistration() {
        client.register("t-value", record("{\"name\":\"a\",\"type\":\"string\"}"));

        assertThatThrownBy(() -> client.register("t-value", record("{\"name\":\"b\",\"type\":\"int\"}")))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("HTTP 409").hasMessageContaining("cannot read its previous version");
    }

    @Test
    void namesTheRegistryWhenItIsUnreachable() throws IOException {
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        final HttpSchemaRegistry nowhere = new HttpSchemaRegistry(
                URI.create("http://127.0.0.1:" + closedPort), Duration.ofSeconds(2));

        assertThatThrownBy(() -> nowhere.byId(1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageStartingWith("schema registry http://127.0.0.1:" + closedPort + "/ unreachable");
    }

    private static Schema record(final String field) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[" + field + "]}");
    }
}
