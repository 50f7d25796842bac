package dev.orchestrator.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.MetricEvent;
import dev.orchestrator.avro.MetricType;
import dev.orchestrator.avro.Money;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {
    private final InProcessSchemaRegistry registry = InProcessSchemaRegistry.inMemory();
    private final AvroSerializer<MetricEvent> serializer = new AvroSerializer<>(registry, MetricEvent.class);
    private final AvroDeserializer<MetricEvent> deserializer = new AvroDeserializer<>(registry, MetricEvent.class);

    @Test
    void writesTheExactConfluentFraming() {
        final MetricEvent event = MetricEvent.newBuilder()
                .setName("x").setType(MetricType.GAUGE).setValue(1.0).setLabels(Map.of())
                .setAt(Instant.ofEpochMilli(1)).build();

        final byte[] bytes = serializer.serialize("metrics.v1", event);

        final int id = InProcessSchemaRegistry.idOf(MetricEvent.getClassSchema());
        assertThat(bytes).containsExactly(
                0x00,                                    // magic byte
                id >>> 24, (id >>> 16) & 0xFF, (id >>> 8) & 0xFF, id & 0xFF, // schema id, big-endian
                0x02, 'x',                               // name: zig-zag length 1, "x"
                0x02,                                    // type: enum index 1 (GAUGE), zig-zag
                0, 0, 0, 0, 0, 0, (byte) 0xF0, 0x3F,     // value: 1.0 as little-endian IEEE 754
                0x00,                                    // labels: empty map
                0x02);                                   // at: 1 ms, zig-zag
        assertThat(registry.versions("metrics.v1-value")).containsExactly(id);
        assertThat(deserializer.deserialize("metrics.v1", bytes)).isEqualTo(event);
    }

    @Test
    void roundTripsDecimalMoneyAndTimestampsExactly() {
        final AvroSerializer<Demand> out = new AvroSerializer<>(registry, Demand.class);
        final AvroDeserializer<Demand> in = new AvroDeserializer<>(registry, Demand.class);
        final Demand demand = Demand.newBuilder()
                .setDemandId("d-1").setConsumerId("c-1").setType(DemandType.PLACE)
                .setMaxPricePerHour(new Money(new BigDecimal("0.000125"), "USD"))
                .setRegions(List.of("eu-west"))
                .setRequestedAt(Instant.parse("2026-11-23T10:00:00.123Z"))
                .build();

        final Demand back = in.deserialize("demand.v1", out.serialize("demand.v1", demand));

        assertThat(back).isEqualTo(demand);
        assertThat(back.getMaxPricePerHour().getAmount()).isEqualByComparingTo("0.000125");
    }

    @Test
    void readsARecordWrittenWithAnOlderSchemaVersion() throws IOException {
        // version 0 of the metric event had neither labels nor a type
        final Schema older = new Schema.Parser().parse("""
                {"type":"record","name":"MetricEvent","namespace":"dev.orchestrator.avro","fields":[
                  {"name":"name","type":"string"},
                  {"name":"value","type":"double"},
                  {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
                  {"name":"type","type":{"type":"enum","name":"MetricType","symbols":["COUNTER","GAUGE"]},"default":"COUNTER"}]}
                """);
        final int olderId = registry.register("metrics.v1-value", older);
        final GenericRecord old = new GenericData.Record(older);
        old.put("name", "decisions_total");
        old.put("value", 3.0);
        old.put("at", 5L);
        old.put("type", new GenericData.EnumSymbol(older.getField("type").schema(), "COUNTER"));

        final MetricEvent read = deserializer.deserialize("metrics.v1", frame(olderId, older, old));

        assertThat(read.getName()).isEqualTo("decisions_total");
        assertThat(read.getValue()).isEqualTo(3.0);
        assertThat(read.getAt()).isEqualTo(Instant.ofEpochMilli(5));
        assertThat(read.getLabels()).isEmpty();
    }

    @Test
    void refusesBytesWithoutTheMagicByte() {
        assertThatThrownBy(() -> deserializer.deserialize("metrics.v1", "{\"name\":\"x\"}".getBytes()))
                .isInstanceOf(SerializationException.class)
                .hasMessage("record on metrics.v1 is not Confluent-framed: magic byte 0x7b, expected 0x00");
    }

    @Test
    void refusesAnUnknownSchemaId() {
        assertThatThrownBy(() -> deserializer.deserialize("metrics.v1", new byte[] {0, 0, 0, 0, 42, 2, 'x'}))
                .isInstanceOf(SerializationException.class)
                .hasMessage("record on metrics.v1: schema id 42 is not registered");
    }

    @Test
    void refusesTruncatedAndPaddedBodies() {
        final byte[] good = serializer.serialize("metrics.v1", MetricEvent.newBuilder()
                .setName("x").setType(MetricType.COUNTER).setValue(1).setAt(Instant.EPOCH).build());

        assertThatThrownBy(() -> deserializer.deserialize("metrics.v1", new byte[] {0, 0, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("fewer than the 5-byte");
        assertThatThrownBy(() -> deserializer.deserialize("metrics.v1", Arrays.copyOf(good, good.length - 3)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("cannot read MetricEvent");
        assertThatThrownBy(() -> deserializer.deserialize("metrics.v1", Arrays.copyOf(good, good.length + 2)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("trailing bytes");
    }

    @Test
    void passesNullThroughForTombstones() {
        assertThat(serializer.serialize("metrics.v1", null)).isNull();
        assertThat(deserializer.deserialize("metrics.v1", null)).isNull();
    }

    static byte[] frame(final int id, final Schema schema, final GenericRecord record) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
