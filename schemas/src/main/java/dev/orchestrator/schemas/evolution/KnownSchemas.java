package dev.orchestrator.schemas.evolution;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/** Every schema this build can meet on its topics: the current ones and every released version. */
public final class KnownSchemas {
    private KnownSchemas() {
    }

    public static List<Schema> all() {
        final List<Schema> schemas = new ArrayList<>(TopicSchemas.current().values());
        for (int release = 1; release <= ReleasedSchemas.LATEST_RELEASE; release++) {
            for (final String topic : TopicSchemas.current().keySet()) {
                ReleasedSchemas.load(release, topic).ifPresent(schemas::add);
            }
        }
        return schemas;
    }
}
