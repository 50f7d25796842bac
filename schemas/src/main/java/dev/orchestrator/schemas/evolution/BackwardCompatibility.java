package dev.orchestrator.schemas.evolution;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/** Confluent's BACKWARD rule: consumers on the new schema must read records written with the old one. */
public final class BackwardCompatibility {
    private BackwardCompatibility() {
    }

    /** Every reason {@code next} cannot read data written with {@code released}; empty when compatible. */
    public static List<String> problems(final Schema next, final Schema released) {
        final SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(next, released);
        if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return List.of();
        }
        return result.getResult().getIncompatibilities().stream()
                .map(BackwardCompatibility::describe)
                .collect(Collectors.toList());
    }

    private static String describe(final Incompatibility incompatibility) {
        return incompatibility.getType() + " at " + incompatibility.getLocation() + ": " + incompatibility.getMessage();
    }
}
