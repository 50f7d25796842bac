package dev.orchestrator.schemas;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A dead letter as every writer builds it: the original key and value when they are small enough to
 * copy, the reason, field and message, and where the original sits (topic, partition, offset). A
 * large value is referenced, not copied, so a dead letter always fits the broker's record limit
 * (1 MiB by default): copied key and value stay under {@link #MAX_COPIED_BYTES} together, headers
 * under a few KiB.
 */
public record DeadLetter(byte[] key, byte[] value, Headers headers) {
    /** Key and value are copied while they add up to at most this many bytes. */
    public static final int MAX_COPIED_BYTES = 512 * 1024;
    /** Texts in headers are clipped to this many characters. */
    public static final int MAX_TEXT = 1024;

    /**
     * The dead letter of a record read at {@code sourceTopic}-{@code partition}@{@code offset}
     * (partition -1 when unknown); {@code field} may be empty.
     */
    public static DeadLetter of(final String sourceTopic, final int partition, final long offset, final byte[] key,
                                final byte[] value, final String reason, final String field, final String message) {
        final int keyLength = key == null ? 0 : key.length;
        final int valueLength = value == null ? 0 : value.length;
        final boolean copyKey = keyLength <= MAX_COPIED_BYTES;
        final boolean copyValue = copyKey && (long) keyLength + valueLength <= MAX_COPIED_BYTES;
        String why = message == null ? "" : clip(message);
        if (!copyValue && value != null) {
            why += " (the " + valueLength + "-byte value is too large to copy: read it at " + sourceTopic + "-"
                    + partition + "@" + offset + ")";
        }
        if (!copyKey) {
            why += " (the " + keyLength + "-byte key is too large to copy)";
        }
        final RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetterHeaders.REASON, bytes(reason));
        headers.add(DeadLetterHeaders.FIELD, bytes(field == null ? "" : clip(field)));
        headers.add(DeadLetterHeaders.MESSAGE, bytes(why));
        headers.add(DeadLetterHeaders.SOURCE, bytes(clip(sourceTopic)));
        if (partition >= 0) {
            headers.add(DeadLetterHeaders.PARTITION, bytes(String.valueOf(partition)));
            headers.add(DeadLetterHeaders.OFFSET, bytes(String.valueOf(offset)));
        }
        return new DeadLetter(copyKey ? key : null, copyValue ? value : null, headers);
    }

    /** {@code text} cut to {@link #MAX_TEXT} characters, marked when cut. */
    public static String clip(final String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "...";
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
