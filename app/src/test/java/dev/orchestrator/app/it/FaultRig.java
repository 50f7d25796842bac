package dev.orchestrator.app.it;

import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.DataUnitEventType;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.Quantity;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.avro.ResourceSpec;
import dev.orchestrator.schemas.Topic;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.schemas.evolution.KnownSchemas;
import dev.orchestrator.schemas.serde.InProcessSchemaRegistry;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** What the fault tests share: the packaged jar as engine processes, a fleet, demands, and waiting on logs. */
final class FaultRig {
    static final String JAR = System.getProperty("orchestrator.jar", "target/orchestrator.jar");

    private FaultRig() {
    }

    /** Topics decoded the way a separate process writes them: ids come from the schema text. */
    static Topics topics() {
        final InProcessSchemaRegistry registry = InProcessSchemaRegistry.inMemory();
        KnownSchemas.all().forEach(registry::preload);
        return Topics.create("", registry);
    }

    /** An `orchestrator run` JVM logging to {@code <dir>/<name>.log}. */
    static Process engine(final Path dir, final String name, final String bootstrap, final String... settings)
            throws IOException {
        final List<String> command = new ArrayList<>(List.of(java(), "-Xmx384m", "-jar", JAR, "run", "--bootstrap", bootstrap,
                "--http-port", "0", "--set", "state.dir=" + dir.resolve(name), "--set", "http.host=127.0.0.1"));
        for (final String setting : settings) {
            command.add("--set");
            command.add(setting);
        }
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    static void registerUnits(final KafkaProducer<String, byte[]> producer, final Topics topics, final int count,
                              final int gb) {
        for (int u = 0; u < count; u++) {
            send(producer, topics.dataUnit, "u" + u, DataUnitEvent.newBuilder().setEventId("e" + u).setDataUnitId("u" + u)
                    .setProviderId("p").setType(DataUnitEventType.REGISTER).setKind(ResourceKind.STORAGE)
                    .setRegion("eu-west-1").setCapacity(ResourceSpec.newBuilder().setStorage(new Quantity(String.valueOf(gb), "GB")).build())
                    .setPricePerHour(new Money(BigDecimal.ONE, "USD")).setAt(Instant.now()).build());
        }
    }

    static void place(final KafkaProducer<String, byte[]> producer, final Topics topics, final String id,
                      final String consumer, final int gb) {
        send(producer, topics.demand, id, Demand.newBuilder().setDemandId(id).setConsumerId(consumer)
                .setType(DemandType.PLACE).setKind(ResourceKind.STORAGE)
                .setResources(ResourceSpec.newBuilder().setStorage(new Quantity(String.valueOf(gb), "GB")).build())
                .setRequestedAt(Instant.now()).build());
    }

    static <V> void send(final KafkaProducer<String, byte[]> producer, final Topic<String, V> topic, final String key,
                         final V value) {
        producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), value)));
    }

    static void awaitLog(final Path log, final String line, final Duration timeout) throws Exception {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(line)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("never logged '" + line + "' in " + log + ": " + (Files.exists(log) ? Files.readString(log) : ""));
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
