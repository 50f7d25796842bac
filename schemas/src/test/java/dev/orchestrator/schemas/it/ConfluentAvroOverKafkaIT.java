package dev.orchestrator.schemas.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.Quantity;
import dev.orchestrator.avro.ResourceSpec;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.schemas.serde.ConfluentFraming;
import dev.orchestrator.schemas.serde.InProcessSchemaRegistry;
import dev.orchestrator.testing.TestKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Avro in the Confluent framing through a real broker: what a producer writes, a consumer reads back. */
class ConfluentAvroOverKafkaIT {
    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();

    private final InProcessSchemaRegistry registry = InProcessSchemaRegistry.inMemory();
    private final Topics topics = Topics.create("it.", registry);

    @Test
    void producesAndConsumesFramedDemands() throws Exception {
        KAFKA.createTopics(3, topics.demand.name());
        final List<Demand> sent = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            sent.add(Demand.newBuilder()
                    .setDemandId("d-" + i).setConsumerId("c-" + (i % 4)).setType(DemandType.PLACE)
                    .setResources(ResourceSpec.newBuilder().setStorage(new Quantity(i + ".5", "GiB")).build())
                    .setRequestedAt(Instant.ofEpochMilli(1_700_000_000_000L + i)).build());
        }

        final Map<String, Object> producerConfig = new HashMap<>(KAFKA.clientConfig());
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, Demand> producer = new KafkaProducer<>(producerConfig,
                topics.demand.keySerde().serializer(), topics.demand.valueSerde().serializer())) {
            for (final Demand demand : sent) {
                producer.send(new ProducerRecord<>(topics.demand.name(), demand.getDemandId(), demand)).get();
            }
        }

        final List<ConsumerRecord<String, byte[]>> raw = KAFKA.readCommitted(topics.demand.name(), sent.size(),
                new StringDeserializer(), new ByteArrayDeserializer(), Duration.ofSeconds(30));
        final int schemaId = registry.versions(topics.demand.name() + "-value").get(0);
        final List<Demand> received = new ArrayList<>();
        for (final ConsumerRecord<String, byte[]> record : raw) {
            assertThat(record.value()[0]).isEqualTo(ConfluentFraming.MAGIC);
            assertThat(ConfluentFraming.schemaId(record.topic(), record.value())).isEqualTo(schemaId);
            received.add(topics.demand.valueSerde().deserializer().deserialize(record.topic(), record.value()));
        }
        assertThat(received).containsExactlyInAnyOrderElementsOf(sent);
    }
}
