package dev.orchestrator.schemas.evolution;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * Schemas as they were released, kept self-contained under {@code released/v<N>/<topic>.avsc} in this
 * module's resources. They are the contract that old records on the topics were written with.
 */
public final class ReleasedSchemas {
    /** The release that new schemas are checked against. */
    public static final int LATEST_RELEASE = 1;

    private ReleasedSchemas() {
    }

    public static String resourcePath(final int release, final String topic) {
        return "released/v" + release + "/" + topic + ".avsc";
    }

    public static Optional<Schema> load(final int release, final String topic) {
        try (InputStream in = ReleasedSchemas.class.getClassLoader().getResourceAsStream(resourcePath(release, topic))) {
            return in == null ? Optional.empty() : Optional.of(new Schema.Parser().parse(in));
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read released schema " + resourcePath(release, topic), e);
        }
    }
}
