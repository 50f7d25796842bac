package dev.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.api.events.EventBuffer;
import dev.orchestrator.api.events.FeedEvent;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventBufferTest {
    private final EventBuffer buffer = new EventBuffer(4);

    private void add(final String type, final String consumer) {
        buffer.append(s -> new FeedEvent(s, "e-" + s, type, consumer, null, "{}"));
    }

    @Test
    void aReaderGetsWhatCameAfterItsPosition() throws Exception {
        add("decision", "a");
        add("command", "a");
        add("decision", "b");

        final EventBuffer.Batch batch = buffer.after(1, 0);

        assertThat(batch.events()).extracting(FeedEvent::sequence).containsExactly(2L, 3L);
        assertThat(batch.gap()).isFalse();
        assertThat(batch.position()).isEqualTo(3);
    }

    @Test
    void aReaderTooFarBehindIsToldItMissedEvents() throws Exception {
        for (int i = 0; i < 7; i++) {
            add("decision", "a");
        }

        final EventBuffer.Batch batch = buffer.after(1, 0);

        assertThat(batch.gap()).isTrue();
        assertThat(batch.events()).extracting(FeedEvent::sequence).containsExactly(4L, 5L, 6L, 7L);
    }

    @Test
    void aWaitingReaderWakesOnTheNextEvent() throws Exception {
        final Thread writer = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            add("audit", null);
        });
        writer.start();

        final EventBuffer.Batch batch = buffer.after(0, 10_000);
        writer.join();

        assertThat(batch.events()).hasSize(1);
    }

    @Test
    void filtersMatchTypeConsumerAndUnit() {
        final FeedEvent event = new FeedEvent(1, "e-1", "decision", "team-a", "u-1", "{}");

        assertThat(event.matches(null, null, null)).isTrue();
        assertThat(event.matches(Set.of("decision", "audit"), "team-a", "u-1")).isTrue();
        assertThat(event.matches(Set.of("command"), null, null)).isFalse();
        assertThat(event.matches(null, "team-b", null)).isFalse();
        assertThat(event.matches(null, null, "u-2")).isFalse();
    }
}
