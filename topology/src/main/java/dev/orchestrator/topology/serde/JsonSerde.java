package dev.orchestrator.topology.serde;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON for the engine's own state and internal topics: records evolve by adding fields, which old
 * readers ignore. Public topics use Avro; these never leave the engine.
 */
public final class JsonSerde<T> implements Serde<T> {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Class<T> type;

    public JsonSerde(final Class<T> type) {
        this.type = type;
    }

    public static <T> JsonSerde<T> of(final Class<T> type) {
        return new JsonSerde<>(type);
    }

    /** Compact JSON of any value, for audit snapshots. */
    public static String json(final Object value) {
        try {
            return MAPPER.writeValueAsString(value);
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
            } catch (final IOException e) {
                throw new SerializationException("cannot read " + type.getSimpleName() + " from " + topic + ": "
                        + e.getMessage(), e);
            }
        };
    }
}
