package dev.orchestrator.schemas.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Builds Confluent-framed Avro serdes that share one registry. */
public final class AvroSerdes {
    private final SchemaRegistry registry;

    public AvroSerdes(final SchemaRegistry registry) {
        this.registry = registry;
    }

    public <T extends SpecificRecord> Serde<T> forClass(final Class<T> type) {
        return Serdes.serdeFrom(new AvroSerializer<>(registry, type), new AvroDeserializer<>(registry, type));
    }
}
