package dev.orchestrator.topology.schedule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Invariant 7 judged on committed output (by {@code verify} and the property tests): within any window
 * ending at a preemption, a consumer lost at most its budget's share of the allocations it held in that
 * window, rounded down; and no demand preempted after it had been preempted itself. The engine keeps a
 * budget per task on the allocations there; the sum of those shares is at most the share of all the
 * consumer held in the window, so the bound holds whatever the tasks did. Plain Java.
 */
public final class DisruptionAudit {
    /** A victim's PREEMPTED record: whose, when, and the preemptor its detail names. */
    public record Preemption(String victim, String consumer, long at, String preemptor) {
    }

    /** When an allocation of {@code consumer} first held capacity, and until when it last did (Long.MAX_VALUE: still). */
    public record Span(String consumer, long from, long until) {
    }

    private static final String PREFIX = "preempted by ";

    private DisruptionAudit() {
    }

    /** The preemptor a PREEMPTED record's detail names ("preempted by X of C ..."), or "". */
    public static String preemptor(final String detail) {
        if (detail == null || !detail.startsWith(PREFIX) || detail.indexOf(" of ", PREFIX.length()) < 0) {
            return "";
        }
        return detail.substring(PREFIX.length(), detail.indexOf(" of ", PREFIX.length()));
    }

    /**
     * What breaks the invariant: {@code firstPreempted} says when each demand was first preempted,
     * {@code percentOf} each consumer's budget in percent.
     */
    public static List<String> violations(final List<Preemption> preemptions, final Collection<Span> spans,
                                          final Map<String, Long> firstPreempted, final ToIntFunction<String> percentOf,
                                          final long windowMillis) {
        final List<String> out = new ArrayList<>();
        final Map<String, List<Preemption>> byConsumer = new HashMap<>();
        for (final Preemption p : preemptions) {
            byConsumer.computeIfAbsent(p.consumer(), c -> new ArrayList<>()).add(p);
            final Long before = firstPreempted.get(p.preemptor());
            if (before != null && before < p.at()) {
                out.add(p.preemptor() + " preempted " + p.victim() + " after it had been preempted itself: a chain");
            }
        }
        final Map<String, List<Long>> starts = new HashMap<>();
        final Map<String, List<Long>> ends = new HashMap<>();
        for (final Span span : spans) {
            if (byConsumer.containsKey(span.consumer())) {
                starts.computeIfAbsent(span.consumer(), c -> new ArrayList<>()).add(span.from());
                ends.computeIfAbsent(span.consumer(), c -> new ArrayList<>()).add(span.until());
            }
        }
        byConsumer.forEach((consumer, list) -> {
            final List<Long> from = starts.getOrDefault(consumer, new ArrayList<>());
            final List<Long> until = ends.getOrDefault(consumer, new ArrayList<>());
            from.sort(null);
            until.sort(null);
            list.sort(Comparator.comparingLong(Preemption::at));
            final int percent = percentOf.applyAsInt(consumer);
            int first = 0;
            for (int i = 0; i < list.size(); i++) {
                final long at = list.get(i).at();
                while (list.get(first).at() <= at - windowMillis) {
                    first++;
                }
                // held at some time in (at - window, at]: placed by then, and not ended before the window
                final long held = atMost(from, at) - atMost(until, at - windowMillis);
                final int inWindow = i - first + 1;
                if (inWindow > held * percent / 100) {
                    out.add(consumer + ": " + inWindow + " allocations preempted within " + windowMillis + " ms up to "
                            + Instant.ofEpochMilli(at) + ", above " + percent + "% of the " + held + " it held then");
                    return;
                }
            }
        });
        return out;
    }

    /** How many of sorted {@code values} are at most {@code limit}. */
    private static long atMost(final List<Long> values, final long limit) {
        int low = 0;
        int high = values.size();
        while (low < high) {
            final int mid = (low + high) >>> 1;
            if (values.get(mid) <= limit) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
