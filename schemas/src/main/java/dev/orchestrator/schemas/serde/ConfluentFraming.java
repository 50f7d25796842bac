package dev.orchestrator.schemas.serde;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/** The Confluent wire format: magic byte 0, a 4-byte big-endian schema id, then the Avro binary body. */
public final class ConfluentFraming {
    public static final byte MAGIC = 0;
    public static final int HEADER_LENGTH = 5;

    private ConfluentFraming() {
    }

    /** Subject name under the default TopicNameStrategy. */
    public static String valueSubject(final String topic) {
        return topic + "-value";
    }

    /** Reads and checks the header, returning the schema id. */
    public static int schemaId(final String topic, final byte[] bytes) {
        if (bytes.length < HEADER_LENGTH) {
            throw new SerializationException("record on " + topic + " has " + bytes.length
                    + " bytes, fewer than the 5-byte Confluent header");
        }
        if (bytes[0] != MAGIC) {
            throw new SerializationException(String.format(
                    "record on %s is not Confluent-framed: magic byte 0x%02x, expected 0x00", topic, bytes[0]));
        }
        return ByteBuffer.wrap(bytes, 1, 4).getInt();
    }

    /** Writes the header into the first five bytes of {@code target}. */
    public static void writeHeader(final int schemaId, final byte[] target) {
        target[0] = MAGIC;
        ByteBuffer.wrap(target, 1, 4).putInt(schemaId);
    }
}
