package dev.orchestrator.schemas.evolution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class SchemaCompatibilityTest {

    @Test
    void everyTopicHasAReleasedSchema() {
        for (final String topic : TopicSchemas.current().keySet()) {
            assertThat(ReleasedSchemas.load(ReleasedSchemas.LATEST_RELEASE, topic))
                    .as("released/v%d/%s.avsc (write it with SchemaRelease)", ReleasedSchemas.LATEST_RELEASE, topic)
                    .isPresent();
        }
    }

    @Test
    void currentSchemasReadEveryReleasedVersion() {
        for (int release = 1; release <= ReleasedSchemas.LATEST_RELEASE; release++) {
            for (final Map.Entry<String, Schema> entry : TopicSchemas.current().entrySet()) {
                final Schema released = ReleasedSchemas.load(release, entry.getKey()).orElseThrow();
                assertThat(BackwardCompatibility.problems(entry.getValue(), released))
                        .as("%s against release %d", entry.getKey(), release)
                        .isEmpty();
            }
        }
    }

    @Test
    void catchesARequiredFieldWithoutDefaultAndAChangedType() throws IOException {
        final Schema released = ReleasedSchemas.load(1, "demand.v1").orElseThrow();
        final Schema incompatible;
        try (InputStream in = getClass().getResourceAsStream("/incompatible/demand.v1.avsc")) {
            incompatible = new Schema.Parser().parse(in);
        }

        assertThat(BackwardCompatibility.problems(incompatible, released))
                .anySatisfy(p -> assertThat(p).startsWith("READER_FIELD_MISSING_DEFAULT").contains("priority"))
                .anySatisfy(p -> assertThat(p).contains("/fields/8"));
    }

    @Test
    void addingAnOptionalFieldWithDefaultIsCompatible() {
        final Schema released = ReleasedSchemas.load(1, "metrics.v1").orElseThrow();
        final String widened = released.toString().replaceFirst("\"fields\":\\[",
                "\"fields\":[{\"name\":\"unit\",\"type\":[\"null\",\"string\"],\"default\":null},");
        assertThat(BackwardCompatibility.problems(new Schema.Parser().parse(widened), released)).isEmpty();
    }
}
