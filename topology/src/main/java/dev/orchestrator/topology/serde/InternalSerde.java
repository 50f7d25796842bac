package dev.orchestrator.topology.serde;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Jackson's binary JSON (Smile) for the engine's own state and internal topics: records evolve by
 * adding fields, which old readers ignore, and Smile is several times cheaper to write and read than
 * JSON text (the profile showed text JSON and double formatting as the stream thread's top cost).
 * Public topics use Avro; these bytes never leave the engine. Audit snapshots stay JSON text.
 */
public final class InternalSerde<T> implements Serde<T> {
    // Blackbird replaces reflective accessor calls, which the profile showed as the top frame of encoding
    // internal topics can be written by anyone with access to the cluster: bound what one record may allocate
    static final ObjectMapper MAPPER = new ObjectMapper(SmileFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(1 << 20).maxNumberLength(64)
                    .maxNestingDepth(32).maxNameLength(1024).maxDocumentLength(4L << 20).build())
            .build())
            .registerModule(new BlackbirdModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final ObjectMapper TEXT = JsonMapper.builder().build();

    private final Class<T> type;

    public InternalSerde(final Class<T> type) {
        this.type = type;
    }

    public static <T> InternalSerde<T> of(final Class<T> type) {
        return new InternalSerde<>(type);
    }

    /** Compact JSON text of any value, for audit snapshots. */
    public static String json(final Object value) {
        try {
            return TEXT.writeValueAsString(value);
        } catch (final IOException e) {
            throw new SerializationException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                return MAPPER.writeValueAsBytes(value);
            } catch (final IOException e) {
                throw new SerializationException("cannot write " + type.getSimpleName() + " to " + topic, e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return MAPPER.readValue(bytes, type);
            } catch (final IOException | RuntimeException e) {
                throw new SerializationException("cannot read " + type.getSimpleName() + " from " + topic + ": "
                        + e.getMessage(), e);
            }
        };
    }
}
