package dev.orchestrator.topology.emit;

import dev.orchestrator.schemas.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Dead letters for records that decoded but were refused: the record as received, with headers that
 * say why, so an operator can fix and replay it.
 */
public final class DeadLetters {
    public static final String REASON = DeadLetterHeaders.REASON;
    public static final String FIELD = DeadLetterHeaders.FIELD;
    public static final String MESSAGE = DeadLetterHeaders.MESSAGE;
    public static final String SOURCE = DeadLetterHeaders.SOURCE;

    private DeadLetters() {
    }

    public static Record<byte[], byte[]> of(final String sourceTopic, final String key, final byte[] value,
                                            final String reason, final String field, final String message,
                                            final long timestamp) {
        final RecordHeaders headers = new RecordHeaders();
        headers.add(REASON, bytes(reason));
        headers.add(FIELD, bytes(field));
        headers.add(MESSAGE, bytes(message));
        headers.add(SOURCE, bytes(sourceTopic));
        return new Record<>(key == null ? null : bytes(key), value, timestamp, headers);
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
