package dev.orchestrator.topology.migration;

import dev.orchestrator.topology.routing.RouteMessage.MigrationNeeded;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One provider's migrations: at most a fixed number in flight, the rest waiting in arrival order. */
public record MigrationQueue(List<String> inFlight, List<MigrationNeeded> waiting) {
    public MigrationQueue {
        inFlight = List.copyOf(inFlight);
        waiting = List.copyOf(waiting);
    }

    public static MigrationQueue empty() {
        return new MigrationQueue(List.of(), List.of());
    }

    public boolean knows(final String allocationId) {
        return inFlight.contains(allocationId) || waiting.stream().anyMatch(n -> n.allocationId().equals(allocationId));
    }

    /** Queues {@code needed}; returns the queue and the migration to start now, if a slot is free. */
    public Step offer(final MigrationNeeded needed, final int limit) {
        if (knows(needed.allocationId())) {
            return new Step(this, Optional.empty());
        }
        if (inFlight.size() < limit) {
            final List<String> flying = new ArrayList<>(inFlight);
            flying.add(needed.allocationId());
            return new Step(new MigrationQueue(flying, waiting), Optional.of(needed));
        }
        final List<MigrationNeeded> queued = new ArrayList<>(waiting);
        queued.add(needed);
        return new Step(new MigrationQueue(inFlight, queued), Optional.empty());
    }

    /** Frees the slot of {@code allocationId}; returns the queue and the next migration to start, if any. */
    public Step done(final String allocationId, final int limit) {
        final List<String> flying = new ArrayList<>(inFlight);
        flying.remove(allocationId);
        final List<MigrationNeeded> queued = new ArrayList<>(waiting);
        queued.removeIf(n -> n.allocationId().equals(allocationId));
        if (flying.size() < limit && !queued.isEmpty()) {
            final MigrationNeeded next = queued.remove(0);
            flying.add(next.allocationId());
            return new Step(new MigrationQueue(flying, queued), Optional.of(next));
        }
        return new Step(new MigrationQueue(flying, queued), Optional.empty());
    }

    /** A queue after a change, and the migration that change lets start. */
    public record Step(MigrationQueue queue, Optional<MigrationNeeded> start) {
    }
}
