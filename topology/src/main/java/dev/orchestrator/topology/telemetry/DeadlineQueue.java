package dev.orchestrator.topology.telemetry;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Deadlines (a reservation's confirmation, an allocation's end, a unit's heartbeat limit) in time
 * order, so a sweep touches only what is due instead of every unit and allocation. Entries are hints:
 * the owner of a deadline checks, when it comes due, whether it still holds (a confirmed reservation,
 * a unit heard from since), and files a new one when it moved.
 */
public final class DeadlineQueue {
    /** What comes due. */
    public enum Kind { CONFIRM, END, MIGRATION, HOSTED, HEARTBEAT, WAIT }

    /** One deadline: {@code key} is the demand, allocation or unit it is about. */
    public record Due(long at, Kind kind, String key) implements Comparable<Due> {
        @Override
        public int compareTo(final Due other) {
            return Long.compare(at, other.at);
        }
    }

    private final PriorityQueue<Due> queue = new PriorityQueue<>();

    public void add(final long at, final Kind kind, final String key) {
        if (at > 0) {
            queue.add(new Due(at, kind, key));
        }
    }

    /** Takes out everything due at {@code now}, earliest first. */
    public List<Due> due(final long now) {
        final List<Due> due = new ArrayList<>();
        while (!queue.isEmpty() && queue.peek().at() <= now) {
            due.add(queue.poll());
        }
        return due;
    }

    public int size() {
        return queue.size();
    }

    public void clear() {
        queue.clear();
    }
}
