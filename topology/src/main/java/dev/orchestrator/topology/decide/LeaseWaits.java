package dev.orchestrator.topology.decide;

import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.routing.Journey;
import dev.orchestrator.topology.routing.RouteMessage;
import dev.orchestrator.topology.task.EngineTask;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Demands of a consumer that wait on this task for the answer to a lease request it already sent,
 * instead of each sending its own: a burst of demands before the first grant costs one round trip,
 * not one per demand (each of which the home would answer with a share of what is free, until a
 * recall). Kept in a store (the demand with its journey, the shape of a spill) and read back when
 * the task starts; a consumer whose last answer was "exhausted" is not waited on, since then every
 * demand's own request is answered together with the others at the home's next recall.
 */
final class LeaseWaits {
    private final EngineTask task;
    private final Map<String, Deque<String>> waiting = new HashMap<>();
    private final Set<String> asked = new HashSet<>();
    private final Set<String> exhausted = new HashSet<>();
    private long sequence;

    LeaseWaits(final EngineTask task) {
        this.task = task;
        try (KeyValueIterator<String, RouteMessage.Spill> it = task.stores().leaseWaiting().all()) {
            it.forEachRemaining(kv -> {
                final String consumerId = kv.value.record().consumerId();
                waiting.computeIfAbsent(consumerId, c -> new ArrayDeque<>()).addLast(kv.key);
                // a request was in flight when these were written: its answer drains them
                asked.add(consumerId);
                sequence = Math.max(sequence, Long.parseLong(kv.key.substring(kv.key.lastIndexOf('|') + 1)) + 1);
            });
        }
    }

    /** Whether a demand of {@code consumerId} that needs lease should wait for the request already sent. */
    boolean shouldWait(final String consumerId) {
        return asked.contains(consumerId) && !exhausted.contains(consumerId);
    }

    /** A request for {@code consumerId} went to its home. */
    void asked(final String consumerId) {
        asked.add(consumerId);
    }

    /** The home answered; {@code allThereWas}: it had no more than it gave. */
    void answered(final String consumerId, final boolean allThereWas) {
        asked.remove(consumerId);
        if (allThereWas) {
            exhausted.add(consumerId);
        } else {
            exhausted.remove(consumerId);
        }
    }

    void add(final Allocation record, final Journey journey) {
        final String key = record.consumerId() + '|' + String.format("%019d", sequence++);
        task.stores().leaseWaiting().put(key, new RouteMessage.Spill(record, journey));
        waiting.computeIfAbsent(record.consumerId(), c -> new ArrayDeque<>()).addLast(key);
    }

    /** The next demand of {@code consumerId} to decide now that no request is outstanding, or null. */
    RouteMessage.Spill next(final String consumerId) {
        if (asked.contains(consumerId)) {
            return null;
        }
        final Deque<String> keys = waiting.get(consumerId);
        if (keys == null) {
            return null;
        }
        final String key = keys.pollFirst();
        if (keys.isEmpty()) {
            waiting.remove(consumerId);
        }
        if (key == null) {
            return null;
        }
        final RouteMessage.Spill next = task.stores().leaseWaiting().get(key);
        task.stores().leaseWaiting().delete(key);
        return next;
    }
}
