package dev.orchestrator.schemas.serde;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-framed Avro into generated records. The writer's schema comes from the registry by
 * id, so a record written with an older version of the schema resolves into the current class.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    private final SchemaRegistry registry;
    private final SpecificData model;
    private final Schema readerSchema;
    private final Map<Integer, SpecificDatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();

    public AvroDeserializer(final SchemaRegistry registry, final Class<T> type) {
        this.registry = registry;
        this.model = SpecificData.getForClass(type);
        this.readerSchema = model.getSchema(type);
    }

    @Override
    public T deserialize(final String topic, final byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        final int id = ConfluentFraming.schemaId(topic, bytes);
        final SpecificDatumReader<T> reader = readerFor(topic, id);
        // every declared length is checked against the bytes left before it is allocated
        final BoundedDecoder decoder = new BoundedDecoder(bytes, ConfluentFraming.HEADER_LENGTH,
                bytes.length - ConfluentFraming.HEADER_LENGTH);
        try {
            final T record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new SerializationException("record on " + topic + " with schema id " + id
                        + " has trailing bytes after its " + readerSchema.getName());
            }
            return record;
        } catch (final IOException | RuntimeException e) {
            if (e instanceof SerializationException s) {
                throw s;
            }
            throw new SerializationException("cannot read " + readerSchema.getName() + " from " + topic
                    + " with schema id " + id + ": " + e.getMessage(), e);
        }
    }

    private SpecificDatumReader<T> readerFor(final String topic, final int id) {
        final SpecificDatumReader<T> cached = readersByWriterId.get(id);
        if (cached != null) {
            return cached;
        }
        final Schema writer;
        try {
            writer = registry.byId(id);
        } catch (final SchemaRegistryException e) {
            throw new SerializationException("record on " + topic + ": " + e.getMessage(), e);
        }
        final SpecificDatumReader<T> reader = new SpecificDatumReader<>(writer, readerSchema, model);
        readersByWriterId.put(id, reader);
        return reader;
    }
}
