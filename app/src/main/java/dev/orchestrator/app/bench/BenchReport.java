package dev.orchestrator.app.bench;

import java.io.PrintStream;

/** Prints a benchmark's results as a table. */
public final class BenchReport {
    private BenchReport() {
    }

    public static void print(final BenchResult r, final PrintStream out) {
        out.println();
        out.printf("%-34s %s%n", "profile", r.profile());
        out.printf("%-34s %,d units, %,d demands sent%n", "load", r.units(), r.demands());
        out.printf("%-34s %,d in %.1f s%n", "decisions", r.decisions(), r.seconds());
        out.printf("%-34s %,.0f/s (placed %,.0f/s)%n", "decisions per second", r.decisionsPerSecond(), r.placedPerSecond());
        out.printf("%-34s %,.0f/s%n", "pass-through baseline, same broker", r.baselinePerSecond());
        out.printf("%-34s %.3f%n", "ratio to baseline", r.ratio());
        out.printf("%-34s p50 %,d  p99 %,d  p99.9 %,d  max %,d%s%n", "latency ms (from intended send)", r.p50Millis(),
                r.p99Millis(), r.p999Millis(), r.maxMillis(), r.warmUpSeconds() == 0 ? ""
                        : String.format(" (after a %d s warm-up: %,d earlier decisions left out)", r.warmUpSeconds(),
                        r.warmUpDecisions()));
        if (r.engineJvms() > 0) {
            // the JMX counters and CPU clocks read here are the load generator's, not the engines'
            out.printf("%-34s %d separate JVMs (CPU, memory and records per placement not measured from here)%n", "engines",
                    r.engineJvms());
            out.printf("%-34s %s%n", "rejections by reason", r.rejections().isEmpty() ? "none" : r.rejections());
            out.printf("%-34s %s%n", "verify", r.verified() ? "passed" : "FAILED with " + r.violations() + " violations");
            return;
        }
        out.printf("%-34s %.2f (broker, engine and load in one JVM)%n", "CPU seconds per 1,000 placements",
                r.cpuSecondsPer1000());
        out.printf("%-34s %,d MB%n", "peak heap (sampled each second)", r.peakHeapMb());
        out.printf("%-34s %s%n", "peak resident memory (whole JVM)", r.peakRssMb() > 0
                ? String.format("%,d MB (heap, RocksDB, buffers: broker, engine and load)", r.peakRssMb()) : "unknown");
        out.printf("%-34s %s%n", "rejections by reason", r.rejections().isEmpty() ? "none" : r.rejections());
        if (r.scheduling() != null) {
            SchedulingTally.print(r.scheduling(), out);
        }
        out.printf("%-34s %s%n", "verify", r.verified() ? "passed" : "FAILED with " + r.violations() + " violations");
        r.cost().print(out);
    }
}
