package dev.orchestrator.topology.emit;

import dev.orchestrator.schemas.DeadLetter;
import dev.orchestrator.schemas.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Dead letters for records that decoded but were refused: the record as received (or where to find
 * it, when it is too large to copy), with headers that say why, so an operator can fix and replay it.
 */
public final class DeadLetters {
    public static final String REASON = DeadLetterHeaders.REASON;
    public static final String FIELD = DeadLetterHeaders.FIELD;
    public static final String MESSAGE = DeadLetterHeaders.MESSAGE;
    public static final String SOURCE = DeadLetterHeaders.SOURCE;

    private DeadLetters() {
    }

    /** The dead letter of the record {@code context} is processing, which was read from {@code fallbackTopic} if unknown. */
    public static Record<byte[], byte[]> of(final ProcessorContext<?, ?> context, final String fallbackTopic,
                                            final String key, final byte[] value, final String reason,
                                            final String field, final String message, final long timestamp) {
        final RecordMetadata source = context.recordMetadata().orElse(null);
        final DeadLetter letter = DeadLetter.of(source == null ? fallbackTopic : source.topic(),
                source == null ? -1 : source.partition(), source == null ? -1 : source.offset(),
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, reason, field, message);
        // a record's timestamp is never negative on the way out: the broker refuses -1
        return new Record<>(letter.key(), letter.value(), Math.max(0, timestamp), letter.headers());
    }
}
