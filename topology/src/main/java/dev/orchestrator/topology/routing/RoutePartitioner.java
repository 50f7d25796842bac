package dev.orchestrator.topology.routing;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.StreamPartitioner;

/** Writes a routed message to the partition of the task it is for, or to every other task's. */
public final class RoutePartitioner implements StreamPartitioner<String, Routed> {
    @Override
    public Optional<Set<Integer>> partitions(final String topic, final String key, final Routed routed,
                                             final int partitions) {
        if (routed.to() != Routed.EVERY_OTHER) {
            if (routed.to() < 0 || routed.to() >= partitions) {
                throw new IllegalStateException("route topic " + topic + " has " + partitions + " partitions, not "
                        + (routed.to() + 1) + ": it must have as many as the input topics");
            }
            return Optional.of(Set.of(routed.to()));
        }
        final Set<Integer> others = new HashSet<>();
        for (int p = 0; p < partitions; p++) {
            if (p != routed.from()) {
                others.add(p);
            }
        }
        return Optional.of(others);
    }
}
