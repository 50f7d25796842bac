package dev.orchestrator.topology.money;

import java.util.ArrayList;
import java.util.List;

/**
 * A provider's recent SLA breaches (the times of the slashes that were not reversed, newest last)
 * and what they make of it: its reliability falls by an equal step per breach within the window, to 0
 * at {@code threshold}, when its units become ineligible for new placements; breaches older than the
 * window no longer count, so a provider that keeps its SLAs recovers.
 */
public record ProviderStanding(String providerId, List<Long> breaches) {
    /** Most breach times kept: beyond any sensible threshold. */
    public static final int KEPT = 256;

    public ProviderStanding {
        breaches = List.copyOf(breaches);
    }

    /** A provider with no breaches. */
    public static ProviderStanding clean(final String providerId) {
        return new ProviderStanding(providerId, List.of());
    }

    /** After a breach at {@code at}: older than {@code windowMillis} forgotten, at most {@link #KEPT} kept. */
    public ProviderStanding breached(final long at, final long windowMillis) {
        final List<Long> next = new ArrayList<>(recentList(at, windowMillis));
        next.add(at);
        while (next.size() > KEPT) {
            next.remove(0);
        }
        return new ProviderStanding(providerId, next);
    }

    /** After a slash was reversed: its breach no longer counts (the latest one, since they are alike). */
    public ProviderStanding reversed() {
        if (breaches.isEmpty()) {
            return this;
        }
        return new ProviderStanding(providerId, breaches.subList(0, breaches.size() - 1));
    }

    /** Breaches within {@code windowMillis} before {@code now}. */
    public int recent(final long now, final long windowMillis) {
        return recentList(now, windowMillis).size();
    }

    /** Reliability in basis points: 10,000 without recent breaches, 0 at {@code threshold} of them. */
    public long reliability(final long now, final long windowMillis, final int threshold) {
        final int recent = recent(now, windowMillis);
        return Math.max(0, 10_000L - 10_000L * recent / threshold);
    }

    /** Whether {@code threshold} recent breaches make its units ineligible. */
    public boolean ineligible(final long now, final long windowMillis, final int threshold) {
        return recent(now, windowMillis) >= threshold;
    }

    /** When the oldest recent breach leaves the window (the standing may change then); Long.MAX_VALUE when none. */
    public long nextChange(final long now, final long windowMillis) {
        final List<Long> recent = recentList(now, windowMillis);
        return recent.isEmpty() ? Long.MAX_VALUE : recent.get(0) + windowMillis + 1;
    }

    private List<Long> recentList(final long now, final long windowMillis) {
        final List<Long> out = new ArrayList<>();
        for (final long at : breaches) {
            if (now - at < windowMillis) {
                out.add(at);
            }
        }
        return out;
    }
}
