package dev.orchestrator.topology.routing;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The partition of a key, as Kafka's default partitioner computes it for a keyed record (murmur2 of
 * the key's UTF-8 bytes): the task of that partition owns the unit, consumer, provider or demand the
 * key names, because producers put its records there.
 */
public final class Partitions {
    private Partitions() {
    }

    public static int of(final String key, final int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
