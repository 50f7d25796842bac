package dev.orchestrator.app.bench.cost;

import dev.orchestrator.schemas.Topics;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the path cost per placement between two snapshots: records and bytes appended by topic and
 * role, exactly-once transactions, engine CPU, and the share of demands that moved to another task.
 */
public record PathCost(long placements, List<TopicCost> topics, Map<TopicRole, TopicCost> byRole,
                       double recordsPerPlacement, double bytesPerPlacement, double internalRecordsPerPlacement,
                       double transactionsPer1000, double engineCpuMicrosPerPlacement, double processCpuMicrosPerPlacement,
                       double spillRate) {

    /** Records and bytes one topic (or one role) took per placement. */
    public record TopicCost(String topic, TopicRole role, long records, long bytes, double recordsPerPlacement,
                            double bytesPerPlacement) {
    }

    /**
     * The cost of {@code placements} between {@code before} and {@code after}; {@code spilled} counts
     * demands decided on a task other than the one they arrived on. Telemetry is load of its own,
     * so it is listed but left out of the per-placement totals; what the engine writes because of it
     * (a changelog record per heartbeat, say) stays in.
     */
    public static PathCost between(final CostSnapshot before, final CostSnapshot after, final long placements,
                                   final long spilled, final Topics topics) {
        final double per = Math.max(1, placements);
        final List<TopicCost> rows = new ArrayList<>();
        final Map<TopicRole, long[]> roles = new EnumMap<>(TopicRole.class);
        long records = 0;
        long bytes = 0;
        for (final String topic : after.topics()) {
            final long[] now = after.appendedByTopic().get(topic);
            final long[] then = before.appendedByTopic().getOrDefault(topic, new long[2]);
            final long r = now[0] - then[0];
            final long b = now[1] - then[1];
            if (r <= 0) {
                continue;
            }
            final TopicRole role = TopicRole.of(topic, topics);
            rows.add(new TopicCost(topic, role, r, b, r / per, b / per));
            if (!topic.equals(topics.telemetry.name())) {
                final long[] sums = roles.computeIfAbsent(role, x -> new long[2]);
                sums[0] += r;
                sums[1] += b;
                records += r;
                bytes += b;
            }
        }
        rows.sort(Comparator.comparing(TopicCost::role).thenComparing(TopicCost::records, Comparator.reverseOrder()));
        final Map<TopicRole, TopicCost> byRole = new EnumMap<>(TopicRole.class);
        roles.forEach((role, sums) -> byRole.put(role, new TopicCost(role.name(), role, sums[0], sums[1], sums[0] / per,
                sums[1] / per)));
        final TopicCost internal = byRole.get(TopicRole.INTERNAL);
        return new PathCost(placements, rows, byRole, records / per, bytes / per,
                internal == null ? 0 : internal.recordsPerPlacement(),
                (after.commits() - before.commits()) * 1000 / per,
                after.engineCpuSince(before) / 1e3 / per,
                (after.processCpuNanos() - before.processCpuNanos()) / 1e3 / per,
                spilled / per);
    }

    /** Prints the per-placement table. */
    public void print(final PrintStream out) {
        out.printf("%nper placement (%,d placements; telemetry listed, not counted in the totals)%n", placements);
        out.printf("  %-44s %-9s %12s %10s %12s%n", "topic", "role", "records", "per place", "bytes/place");
        for (final TopicCost row : topics) {
            out.printf("  %-44s %-9s %,12d %10.2f %,12.0f%n", row.topic(), row.role(), row.records(),
                    row.recordsPerPlacement(), row.bytesPerPlacement());
        }
        byRole.values().forEach(role -> out.printf("  %-44s %-9s %,12d %10.2f %,12.0f%n", "all " + role.role()
                + " topics", "", role.records(), role.recordsPerPlacement(), role.bytesPerPlacement()));
        out.printf("  %-34s %.2f records, %,.0f bytes%n", "appended per placement", recordsPerPlacement, bytesPerPlacement);
        out.printf("  %-34s %.2f (each read back by another exactly-once transaction)%n",
                "internal records per placement", internalRecordsPerPlacement);
        out.printf("  %-34s %.1f%n", "transactions per 1,000 placements", transactionsPer1000);
        out.printf("  %-34s %,.0f us (whole JVM: %,.0f us)%n", "engine CPU per placement", engineCpuMicrosPerPlacement,
                processCpuMicrosPerPlacement);
        out.printf("  %-34s %.1f%%%n", "spill rate (moved to another task)", spillRate * 100);
    }
}
