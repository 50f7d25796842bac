package dev.orchestrator.connectors.executor;

import java.util.TreeSet;

/**
 * Which offsets of one partition are safe to commit. Jobs of different units finish out of order, so
 * the committable offset is the lowest one still running (or one past the highest seen): a crash
 * then redelivers every record whose job had not finished, and nothing that had.
 */
final class PartitionProgress {
    private final TreeSet<Long> running = new TreeSet<>();
    private long nextAfterSeen = -1;

    synchronized void started(final long offset) {
        running.add(offset);
        nextAfterSeen = Math.max(nextAfterSeen, offset + 1);
    }

    synchronized void finished(final long offset) {
        running.remove(offset);
    }

    /** The offset to commit (the next record to read after a restart), or -1 when nothing was seen. */
    synchronized long committable() {
        return running.isEmpty() ? nextAfterSeen : running.first();
    }

    synchronized int inFlight() {
        return running.size();
    }
}
