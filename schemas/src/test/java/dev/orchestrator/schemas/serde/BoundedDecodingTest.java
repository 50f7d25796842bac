package dev.orchestrator.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AuditEvent;
import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.ExecutionJob;
import dev.orchestrator.avro.ExecutionOutcome;
import dev.orchestrator.avro.MetricEvent;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.avro.Sla;
import dev.orchestrator.avro.Telemetry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * Every public record type decodes hostile bytes with bounded allocation: random records, the same
 * records bit-flipped, truncated or given absurd lengths either decode or fail with a
 * SerializationException, and valid records decode exactly as Avro's own reader decodes them.
 */
class BoundedDecodingTest {
    private static final List<Class<? extends SpecificRecord>> TYPES = List.of(Demand.class, Telemetry.class,
            Policy.class, Sla.class, DataUnitEvent.class, PlacementCommand.class, ExecutionOutcome.class,
            AllocationResult.class, AuditEvent.class, MetricEvent.class, ExecutionJob.class);
    private static final InProcessSchemaRegistry REGISTRY = InProcessSchemaRegistry.inMemory();

    @Test
    void refusesAStringLengthBombWithoutAllocatingIt() {
        // the 26-byte record: a valid frame whose first string (demandId) declares 1.9e9 bytes
        final int id = REGISTRY.register("demand.v1-value", Demand.getClassSchema());
        final ByteBuffer bomb = ByteBuffer.allocate(26);
        bomb.put((byte) 0).putInt(id);
        writeLong(bomb, 1_900_000_000L);
        final AvroDeserializer<Demand> in = new AvroDeserializer<>(REGISTRY, Demand.class);

        assertThatThrownBy(() -> in.deserialize("demand.v1", bomb.array()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("string declares 1900000000 bytes with only");
    }

    @Test
    void refusesCollectionCountBombs() throws IOException {
        // a demand whose labels map declares a billion entries: the reader would size a table for them
        final Schema schema = Demand.getClassSchema();
        final GenericRecord demand = (GenericRecord) randomValue(schema, new Random(1), 0);
        demand.put("labels", Map.of());
        final byte[] good = frame(schema, demand);
        // labels is the last field: its empty map is the final 0 byte; replace it with a huge count
        final ByteBuffer bomb = ByteBuffer.allocate(good.length + 9);
        bomb.put(good, 0, good.length - 1);
        writeLong(bomb, 1_000_000_000L);
        final AvroDeserializer<Demand> in = new AvroDeserializer<>(REGISTRY, Demand.class);

        assertThatThrownBy(() -> in.deserialize("demand.v1", java.util.Arrays.copyOf(bomb.array(), bomb.position())))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("block declares 1000000000 items");
    }

    @Property(tries = 400)
    void decodesValidRecordsExactlyAsAvroDoes(@ForAll("types") final Class<? extends SpecificRecord> type,
                                              @ForAll final long seed) throws IOException {
        final Schema schema = SpecificDataHolder.schema(type);
        final byte[] bytes = frame(schema, (GenericRecord) randomValue(schema, new Random(seed), 0));
        final SpecificRecord expected = avroRead(type, bytes);

        assertThat(new AvroDeserializer<>(REGISTRY, type).deserialize("t", bytes)).isEqualTo(expected);
    }

    @Property(tries = 2000)
    void mutatedRecordsDecodeOrFailWithASerializationException(
            @ForAll("types") final Class<? extends SpecificRecord> type, @ForAll final long seed) throws IOException {
        final Random random = new Random(seed);
        final Schema schema = SpecificDataHolder.schema(type);
        final byte[] bytes = mutate(frame(schema, (GenericRecord) randomValue(schema, random, 0)), random);
        final AvroDeserializer<? extends SpecificRecord> in = new AvroDeserializer<>(REGISTRY, type);

        try {
            in.deserialize("t", bytes);
        } catch (final SerializationException expected) {
            // refused with a reason: what a dead letter carries
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<Class<? extends SpecificRecord>> types() {
        return Arbitraries.of(TYPES);
    }

    /** Bit flips, truncation, random tails and huge varints written over a valid record. */
    private static byte[] mutate(final byte[] valid, final Random random) {
        final byte[] bytes = valid.clone();
        switch (random.nextInt(4)) {
            case 0 -> {
                for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                    final int at = 5 + random.nextInt(bytes.length - 5);
                    bytes[at] ^= (byte) (1 << random.nextInt(8));
                }
                return bytes;
            }
            case 1 -> {
                return java.util.Arrays.copyOf(bytes, 5 + random.nextInt(bytes.length - 5));
            }
            case 2 -> {
                final int at = 5 + random.nextInt(bytes.length - 5);
                for (int i = at; i < bytes.length; i++) {
                    bytes[i] = (byte) random.nextInt(256);
                }
                return bytes;
            }
            default -> {
                // a varint of 2^30..2^62 at a random position: a length or count bomb wherever it lands
                final int at = 5 + random.nextInt(bytes.length - 5);
                final ByteBuffer out = ByteBuffer.allocate(bytes.length + 10);
                out.put(bytes, 0, at);
                writeLong(out, 1L << (30 + random.nextInt(32)));
                out.put(bytes, at, bytes.length - at);
                return java.util.Arrays.copyOf(out.array(), out.position());
            }
        }
    }

    private static SpecificRecord avroRead(final Class<? extends SpecificRecord> type, final byte[] bytes)
            throws IOException {
        final Schema schema = SpecificDataHolder.schema(type);
        final SpecificDatumReader<SpecificRecord> reader = new SpecificDatumReader<>(schema, schema);
        return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
    }

    private static byte[] frame(final Schema schema, final GenericRecord record) throws IOException {
        return AvroSerdeTest.frame(REGISTRY.register(schema.getFullName(), schema), schema, record);
    }

    /** A random value of {@code schema}: short strings, small collections, any union branch. */
    private static Object randomValue(final Schema schema, final Random random, final int depth) {
        return switch (schema.getType()) {
            case RECORD -> {
                final GenericData.Record record = new GenericData.Record(schema);
                for (final Schema.Field field : schema.getFields()) {
                    record.put(field.pos(), randomValue(field.schema(), random, depth + 1));
                }
                yield record;
            }
            case UNION -> randomValue(schema.getTypes().get(random.nextInt(schema.getTypes().size())), random, depth);
            case ENUM -> new GenericData.EnumSymbol(schema,
                    schema.getEnumSymbols().get(random.nextInt(schema.getEnumSymbols().size())));
            case ARRAY -> {
                final List<Object> items = new ArrayList<>();
                for (int i = 0, n = depth > 4 ? 0 : random.nextInt(4); i < n; i++) {
                    items.add(randomValue(schema.getElementType(), random, depth + 1));
                }
                yield new GenericData.Array<>(schema, items);
            }
            case MAP -> {
                final Map<String, Object> map = new HashMap<>();
                for (int i = 0, n = depth > 4 ? 0 : random.nextInt(4); i < n; i++) {
                    map.put("k" + random.nextInt(1000), randomValue(schema.getValueType(), random, depth + 1));
                }
                yield map;
            }
            case STRING -> randomText(random);
            case BYTES -> ByteBuffer.wrap(randomText(random).getBytes(StandardCharsets.UTF_8));
            case FIXED -> new GenericData.Fixed(schema, new byte[schema.getFixedSize()]);
            case INT -> random.nextInt();
            case LONG -> random.nextLong();
            case FLOAT -> random.nextFloat();
            case DOUBLE -> random.nextDouble() * 1000;
            case BOOLEAN -> random.nextBoolean();
            case NULL -> null;
        };
    }

    private static String randomText(final Random random) {
        final StringBuilder text = new StringBuilder();
        for (int i = 0, n = 1 + random.nextInt(12); i < n; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }

    private static void writeLong(final ByteBuffer out, final long value) {
        long zigzag = (value << 1) ^ (value >> 63);
        while ((zigzag & ~0x7FL) != 0) {
            out.put((byte) ((zigzag & 0x7F) | 0x80));
            zigzag >>>= 7;
        }
        out.put((byte) zigzag);
    }

    /** The class schema of a generated type. */
    private static final class SpecificDataHolder {
        static Schema schema(final Class<? extends SpecificRecord> type) {
            return org.apache.avro.specific.SpecificData.getForClass(type).getSchema(type);
        }
    }
}
