package dev.orchestrator.app.bench;

import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.ReasonCode;
import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What the preemption profile counts from the committed decision records: preemptions, and per
 * priority how demands ended (placed at once, placed after waiting, wait expired, rejected) and how
 * long the waits that ended placed took; and its gangs' members: placed with their gang, or timed out. The
 * collector thread alone writes it.
 */
public final class SchedulingTally {
    /** Members of each of the profile's gangs (all of them must be placed together). */
    static final int GANG_SIZE = 4;

    /** The numbers of one priority. */
    public record Priority(long placedAtOnce, long placedAfterWaiting, long waitExpired, long rejected, long medianWaitMillis,
                           long p99WaitMillis, long maxWaitMillis) {
    }

    /**
     * The profile's results: {@code preempted} allocations, {@code replaced} of them placed again;
     * {@code answeredPerSecond}: demands that got their first record (WAITING or their decision) per second
     * until the last did, the engine's pace (a waiting demand's decision comes when its wait ends).
     */
    public record Result(long preempted, long replaced, long answered, double answeredPerSecond,
                         Map<Integer, Priority> byPriority, Gangs gangs) {
    }

    /** Gang members sent, placed with their gang, and rejected GANG_TIMEOUT; the first record to placement (ms). */
    public record Gangs(long members, long placedTogether, long timedOut, long medianGatherMillis, long maxGatherMillis) {
    }

    private final int[] priorities;
    private final long[] waitingSince;
    private final Map<Integer, long[]> counts = new TreeMap<>(java.util.Comparator.reverseOrder());
    private final Map<Integer, Histogram> waits = new TreeMap<>();
    private final boolean[] answered;
    private long answeredCount;
    private long lastAnswerNanos;
    private long preempted;
    private long replaced;
    private long gangMembers;
    private long placedTogether;
    private long gangTimeouts;
    private final Histogram gathered = new Histogram(3_600_000L, 3);

    SchedulingTally(final int demands) {
        priorities = new int[demands];
        waitingSince = new long[demands];
        answered = new boolean[demands];
    }

    /** Demand {@code index} was sent at {@code priority}. */
    void sent(final int index, final int priority) {
        priorities[index] = priority;
    }

    /** Demand {@code index} was sent as a member of a gang. */
    void gangMember(final int index) {
        gangMembers++;
    }

    /** A committed record of demand {@code index}, decision or not. */
    void record(final int index, final AllocationResult result) {
        if (!answered[index] && (result.getStatus() == AllocationStatus.WAITING || result.getChange() == null
                || result.getChange().getSequence() == 1)) {
            answered[index] = true;
            answeredCount++;
            lastAnswerNanos = System.nanoTime();
        }
        final long at = result.getDecidedAt().toEpochMilli();
        final AllocationStatus status = result.getStatus();
        final int priority = priorities[index];
        if (status == AllocationStatus.PREEMPTED) {
            preempted++;
            return;
        }
        if (status == AllocationStatus.REPLACED && result.getChange() != null
                && result.getChange().getPreviousStatus() != AllocationStatus.REPLACING) {
            replaced++;
            return;
        }
        if (status == AllocationStatus.WAITING) {
            if (waitingSince[index] == 0) {
                waitingSince[index] = at;
            }
            return;
        }
        if (status == AllocationStatus.PLACED && result.getReasonDetail() != null
                && result.getReasonDetail().contains("placed with group")) {
            placedTogether++;
            gathered.recordValue(Math.max(0, Math.min(3_600_000L, at - (waitingSince[index] == 0 ? at : waitingSince[index]))));
            return;
        }
        if (status == AllocationStatus.REJECTED && result.getReason() == ReasonCode.GANG_TIMEOUT) {
            gangTimeouts++;
            return;
        }
        final boolean waited = result.getChange() != null && result.getChange().getPreviousStatus() == AllocationStatus.WAITING;
        final long[] c = counts.computeIfAbsent(priority, p -> new long[4]);
        if (status == AllocationStatus.PLACED && waited) {
            c[1]++;
            waits.computeIfAbsent(priority, p -> new Histogram(3_600_000L, 3))
                    .recordValue(Math.max(0, Math.min(3_600_000L, at - waitingSince[index])));
        } else if (status == AllocationStatus.PLACED) {
            c[0]++;
        } else if (status == AllocationStatus.REJECTED && result.getReason() == ReasonCode.WAIT_EXPIRED) {
            c[2]++;
        } else if (status == AllocationStatus.REJECTED) {
            c[3]++;
        }
    }

    /** The results, the run having started at {@code startedNanos}. */
    Result result(final long startedNanos) {
        final Map<Integer, Priority> out = new TreeMap<>(java.util.Comparator.reverseOrder());
        counts.forEach((priority, c) -> {
            final Histogram h = waits.get(priority);
            out.put(priority, new Priority(c[0], c[1], c[2], c[3], h == null ? 0 : h.getValueAtPercentile(50),
                    h == null ? 0 : h.getValueAtPercentile(99), h == null ? 0 : h.getMaxValue()));
        });
        final double seconds = (lastAnswerNanos - startedNanos) / 1e9;
        return new Result(preempted, replaced, answeredCount, seconds > 0 ? answeredCount / seconds : 0, out,
                new Gangs(gangMembers, placedTogether, gangTimeouts, gathered.getTotalCount() == 0 ? 0
                        : gathered.getValueAtPercentile(50), gathered.getMaxValue()));
    }

    /** The profile's lines of the report. */
    static void print(final Result r, final PrintStream out) {
        out.printf("%-34s %,d, %,.0f/s (the first record of each demand, WAITING or its decision)%n", "answered",
                r.answered(), r.answeredPerSecond());
        out.printf("%-34s %,d (placed again at once or after waiting: %,d)%n", "preempted allocations", r.preempted(),
                r.replaced());
        r.byPriority().forEach((priority, p) -> out.printf("%-34s placed at once %,d, after waiting %,d (wait ms p50 %,d "
                        + "p99 %,d max %,d), wait expired %,d, rejected %,d%n", "priority " + priority, p.placedAtOnce(),
                p.placedAfterWaiting(), p.medianWaitMillis(), p.p99WaitMillis(), p.maxWaitMillis(), p.waitExpired(), p.rejected()));
        final Gangs g = r.gangs();
        out.printf("%-34s %,d members in gangs of %d: %,d placed with their gang (first record to placement ms p50 %,d, "
                + "max %,d), %,d rejected GANG_TIMEOUT%n", "gangs", g.members(), GANG_SIZE, g.placedTogether(),
                g.medianGatherMillis(), g.maxGatherMillis(), g.timedOut());
    }
}
