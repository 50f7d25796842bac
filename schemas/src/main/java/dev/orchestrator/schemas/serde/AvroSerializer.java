package dev.orchestrator.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/** Writes generated Avro records in the Confluent framing, registering the schema under {@code <topic>-value}. */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {
    private final SchemaRegistry registry;
    private final Schema schema;
    private final SpecificDatumWriter<T> writer;
    private final Map<String, Integer> idByTopic = new ConcurrentHashMap<>();
    private final ThreadLocal<BinaryEncoder> encoders = new ThreadLocal<>();

    public AvroSerializer(final SchemaRegistry registry, final Class<T> type) {
        final SpecificData model = SpecificData.getForClass(type);
        this.registry = registry;
        this.schema = model.getSchema(type);
        this.writer = new SpecificDatumWriter<>(schema, model);
    }

    @Override
    public byte[] serialize(final String topic, final T data) {
        if (data == null) {
            return null;
        }
        final int id = idByTopic.computeIfAbsent(topic, t -> registry.register(ConfluentFraming.valueSubject(t), schema));
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(new byte[ConfluentFraming.HEADER_LENGTH], 0, ConfluentFraming.HEADER_LENGTH);
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, encoders.get());
        encoders.set(encoder);
        try {
            writer.write(data, encoder);
            encoder.flush();
        } catch (final IOException | RuntimeException e) {
            throw new SerializationException("cannot write " + schema.getName() + " to " + topic + ": " + e.getMessage(), e);
        }
        final byte[] bytes = out.toByteArray();
        ConfluentFraming.writeHeader(id, bytes);
        return bytes;
    }
}
