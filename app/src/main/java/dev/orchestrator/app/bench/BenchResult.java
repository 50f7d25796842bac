package dev.orchestrator.app.bench;

import dev.orchestrator.app.bench.cost.PathCost;
import java.util.Map;

/**
 * The numbers of one benchmark run, as printed and as written with --json. Latency percentiles leave
 * out the {@code warmUpDecisions} demands sent in the first {@code warmUpSeconds}. {@code scheduling}: the
 * preemption profile's preemptions and waits by priority (null in the other profiles).
 */
public record BenchResult(String profile, int units, long demands, long decisions, long placed, double seconds,
                          double decisionsPerSecond, double placedPerSecond, double targetRate, long p50Millis,
                          long p99Millis, long p999Millis, long maxMillis, double baselinePerSecond, double ratio,
                          double cpuSecondsPer1000, long peakHeapMb, long peakRssMb, Map<String, Long> rejections, boolean verified,
                          int violations, PathCost cost, long warmUpSeconds, long warmUpDecisions, int engineJvms,
                          SchedulingTally.Result scheduling) {
}
