package dev.orchestrator.schemas.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Avro binary decoding of one record held in a byte array, with every declared length checked
 * before anything is allocated. A string, bytes or fixed value can never be longer than the bytes
 * left in the record, and every item of our schemas' arrays and maps takes at least one byte, so a
 * declared count above what is left is a lie: it is refused instead of becoming a 2 GB allocation.
 * Avro's own BinaryDecoder trusts the declared length up to its system limits, which default to
 * about 2^31.
 */
final class BoundedDecoder extends Decoder {
    /** Items per array or map block, whatever the record's size: bounds the reader's backing arrays. */
    static final int MAX_ITEMS = 1 << 16;

    private final byte[] buf;
    private final int limit;
    private int pos;

    BoundedDecoder(final byte[] buf, final int offset, final int length) {
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
    }

    boolean isEnd() {
        return pos == limit;
    }

    int remaining() {
        return limit - pos;
    }

    @Override
    public void readNull() {
    }

    @Override
    public boolean readBoolean() throws IOException {
        final int b = nextByte();
        if (b > 1) {
            throw new AvroRuntimeException("invalid boolean byte " + b);
        }
        return b == 1;
    }

    @Override
    public int readInt() throws IOException {
        final long value = readLong();
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new AvroRuntimeException("int out of range: " + value);
        }
        return (int) value;
    }

    @Override
    public long readLong() throws IOException {
        long raw = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            final int b = nextByte();
            raw |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new AvroRuntimeException("invalid long encoding: more than 10 bytes");
    }

    @Override
    public float readFloat() throws IOException {
        need(4);
        final int bits = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16
                | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return Float.intBitsToFloat(bits);
    }

    @Override
    public double readDouble() throws IOException {
        need(8);
        long bits = 0;
        for (int i = 7; i >= 0; i--) {
            bits = bits << 8 | (buf[pos + i] & 0xFF);
        }
        pos += 8;
        return Double.longBitsToDouble(bits);
    }

    @Override
    public Utf8 readString(final Utf8 old) throws IOException {
        final int length = length("string");
        final Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        System.arraycopy(buf, pos, result.getBytes(), 0, length);
        pos += length;
        return result;
    }

    @Override
    public String readString() throws IOException {
        final int length = length("string");
        final String result = new String(buf, pos, length, StandardCharsets.UTF_8);
        pos += length;
        return result;
    }

    @Override
    public void skipString() throws IOException {
        pos += length("string");
    }

    @Override
    public ByteBuffer readBytes(final ByteBuffer old) throws IOException {
        final int length = length("bytes");
        final ByteBuffer result = old != null && old.capacity() >= length ? old : ByteBuffer.allocate(length);
        result.clear();
        result.put(buf, pos, length);
        result.flip();
        pos += length;
        return result;
    }

    @Override
    public void skipBytes() throws IOException {
        pos += length("bytes");
    }

    @Override
    public void readFixed(final byte[] bytes, final int start, final int length) throws IOException {
        need(length);
        System.arraycopy(buf, pos, bytes, start, length);
        pos += length;
    }

    @Override
    public void skipFixed(final int length) throws IOException {
        need(length);
        pos += length;
    }

    @Override
    public int readEnum() throws IOException {
        return readInt();
    }

    @Override
    public long readArrayStart() throws IOException {
        return itemCount();
    }

    @Override
    public long arrayNext() throws IOException {
        return itemCount();
    }

    @Override
    public long skipArray() throws IOException {
        return skipBlocks();
    }

    @Override
    public long readMapStart() throws IOException {
        return itemCount();
    }

    @Override
    public long mapNext() throws IOException {
        return itemCount();
    }

    @Override
    public long skipMap() throws IOException {
        return skipBlocks();
    }

    @Override
    public int readIndex() throws IOException {
        return readInt();
    }

    /** A block's item count; a negative count is followed by the block's size in bytes, which we do not need. */
    private long itemCount() throws IOException {
        long count = readLong();
        if (count < 0) {
            if (count == Long.MIN_VALUE) {
                throw new AvroRuntimeException("invalid block count");
            }
            count = -count;
            readLong();
        }
        if (count > remaining() || count > MAX_ITEMS) {
            throw new AvroRuntimeException("block declares " + count + " items with " + remaining()
                    + " bytes left (at most " + MAX_ITEMS + " per block)");
        }
        return count;
    }

    /** Skips blocks that carry their byte size; returns the count of the first block that does not. */
    private long skipBlocks() throws IOException {
        while (true) {
            final long count = readLong();
            if (count >= 0) {
                if (count > remaining() || count > MAX_ITEMS) {
                    throw new AvroRuntimeException("block declares " + count + " items with " + remaining()
                            + " bytes left");
                }
                return count;
            }
            final long size = readLong();
            if (size < 0 || size > remaining()) {
                throw new AvroRuntimeException("block declares " + size + " bytes with " + remaining() + " left");
            }
            pos += (int) size;
        }
    }

    private int length(final String what) throws IOException {
        final long length = readLong();
        if (length < 0) {
            throw new AvroRuntimeException("negative " + what + " length " + length);
        }
        if (length > remaining()) {
            throw new AvroRuntimeException(what + " declares " + length + " bytes with only " + remaining()
                    + " left in the record");
        }
        return (int) length;
    }

    private int nextByte() throws IOException {
        if (pos >= limit) {
            throw new EOFException("record ends early");
        }
        return buf[pos++] & 0xFF;
    }

    private void need(final int length) throws IOException {
        if (length < 0 || length > remaining()) {
            throw new EOFException("record ends early: " + length + " bytes wanted, " + remaining() + " left");
        }
    }
}
