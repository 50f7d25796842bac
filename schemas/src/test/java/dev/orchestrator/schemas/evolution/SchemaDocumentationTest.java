package dev.orchestrator.schemas.evolution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class SchemaDocumentationTest {

    @Test
    void everyFieldAndTypeHasADoc() {
        final List<String> undocumented = new ArrayList<>();
        final Set<String> seen = new HashSet<>();
        TopicSchemas.current().values().forEach(s -> collectUndocumented(s, seen, undocumented));
        assertThat(undocumented).isEmpty();
    }

    @Test
    void timesUseTheTimestampLogicalTypeAndMoneyIsNeverAFloat() {
        final List<String> wrong = new ArrayList<>();
        final Set<String> seen = new HashSet<>();
        TopicSchemas.current().values().forEach(s -> collectWrongTypes(s, seen, wrong));
        assertThat(wrong).isEmpty();
    }

    private static void collectUndocumented(final Schema schema, final Set<String> seen, final List<String> out) {
        final Schema type = nonNull(schema);
        if (type.getType() == Schema.Type.MAP || type.getType() == Schema.Type.ARRAY) {
            collectUndocumented(type.getType() == Schema.Type.MAP ? type.getValueType() : type.getElementType(), seen, out);
            return;
        }
        if (!isNamed(type) || !seen.add(type.getFullName())) {
            return;
        }
        if (type.getDoc() == null || type.getDoc().isBlank()) {
            out.add(type.getFullName());
        }
        if (type.getType() == Schema.Type.RECORD) {
            for (final Schema.Field field : type.getFields()) {
                if (field.doc() == null || field.doc().isBlank()) {
                    out.add(type.getName() + "." + field.name());
                }
                collectUndocumented(field.schema(), seen, out);
            }
        }
    }

    private static void collectWrongTypes(final Schema schema, final Set<String> seen, final List<String> out) {
        final Schema type = nonNull(schema);
        if (type.getType() != Schema.Type.RECORD || !seen.add(type.getFullName())) {
            return;
        }
        for (final Schema.Field field : type.getFields()) {
            final Schema fieldType = nonNull(field.schema());
            final String name = field.name();
            if ((name.endsWith("At") || name.equals("deadline"))
                    && !(fieldType.getLogicalType() instanceof LogicalTypes.TimestampMillis)) {
                out.add(type.getName() + "." + name + " is a time without timestamp-millis");
            }
            if (name.toLowerCase(java.util.Locale.ROOT).contains("price") || name.equals("budget")) {
                if (!fieldType.getFullName().equals("dev.orchestrator.avro.Money")) {
                    out.add(type.getName() + "." + name + " is money but not Money");
                }
            }
            if (type.getName().equals("Money") && name.equals("amount")
                    && !(fieldType.getLogicalType() instanceof LogicalTypes.Decimal)) {
                out.add("Money.amount is not a decimal");
            }
            collectWrongTypes(fieldType, seen, out);
        }
    }

    private static Schema nonNull(final Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        return schema.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElse(schema);
    }

    private static boolean isNamed(final Schema schema) {
        return schema.getType() == Schema.Type.RECORD || schema.getType() == Schema.Type.ENUM
                || schema.getType() == Schema.Type.FIXED;
    }
}
