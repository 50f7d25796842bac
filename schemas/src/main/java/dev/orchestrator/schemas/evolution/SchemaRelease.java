package dev.orchestrator.schemas.evolution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Freezes the current schemas as release N, for when a version of the product ships:
 * {@code mvn -q -pl schemas exec:java -Dexec.mainClass=dev.orchestrator.schemas.evolution.SchemaRelease -Dexec.args="2"}.
 */
public final class SchemaRelease {
    private SchemaRelease() {
    }

    public static void main(final String[] args) throws IOException {
        if (args.length != 1 || !args[0].matches("[1-9][0-9]*")) {
            System.err.println("usage: SchemaRelease <release number>");
            System.exit(2);
        }
        final Path dir = Path.of("src/main/resources/released/v" + args[0]);
        Files.createDirectories(dir);
        for (final Map.Entry<String, Schema> entry : TopicSchemas.current().entrySet()) {
            final Path file = dir.resolve(entry.getKey() + ".avsc");
            Files.writeString(file, entry.getValue().toString(true) + "\n", StandardCharsets.UTF_8);
            System.out.println("wrote " + file);
        }
    }
}
