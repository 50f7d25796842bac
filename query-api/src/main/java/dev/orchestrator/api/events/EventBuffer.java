package dev.orchestrator.api.events;

import java.util.ArrayList;
import java.util.List;

/**
 * The most recent feed events in a ring, each with a sequence number that only grows, so a client
 * can ask for everything after the last one it saw. Readers wait on the buffer for new events.
 */
public final class EventBuffer {
    private final FeedEvent[] ring;
    private long next = 1;

    public EventBuffer(final int capacity) {
        this.ring = new FeedEvent[capacity];
    }

    /** What a reader gets: events after its position, and whether some were already dropped from the ring. */
    public record Batch(List<FeedEvent> events, boolean gap, long position) {
    }

    public synchronized long append(final EventFactory factory) {
        final long sequence = next++;
        ring[(int) (sequence % ring.length)] = factory.create(sequence);
        notifyAll();
        return sequence;
    }

    /** Creates the event once its sequence number is known. */
    @FunctionalInterface
    public interface EventFactory {
        FeedEvent create(long sequence);
    }

    /** The newest sequence number handed out so far; 0 when empty. */
    public synchronized long latest() {
        return next - 1;
    }

    /** Events after {@code position}, waiting up to {@code waitMillis} when there are none yet. */
    public synchronized Batch after(final long position, final long waitMillis) throws InterruptedException {
        if (next - 1 <= position && waitMillis > 0) {
            wait(waitMillis);
        }
        final long oldest = Math.max(1, next - ring.length);
        final boolean gap = position + 1 < oldest;
        final List<FeedEvent> events = new ArrayList<>();
        for (long s = Math.max(position + 1, oldest); s < next; s++) {
            events.add(ring[(int) (s % ring.length)]);
        }
        return new Batch(events, gap, next - 1);
    }
}
