package dev.orchestrator.app.bench.quality;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** The outcome of the quality profile, as printed and as written with --json. */
public record QualityResult(String family, String objective, int units, int demands, List<PlanCost> plans, String best,
                            double engineGapPercent,
                            double firstFitGapPercent, Map<String, Long> engineRejections, boolean verified,
                            int violations, Optimized optimizer) {
    /**
     * With the background optimizer: the gap to the best known after it settled and unplaced demand was sent again,
     * the allocations it moved (and their share of those placed), the demands sent again and how many of those placed.
     */
    public record Optimized(double gapPercent, int moved, double movedPercent, int retried, int retriedPlaced, int released) {
    }

    public void print(final PrintStream out) {
        out.println();
        out.printf("profile quality, family %s: %d units, %,d demands; %s%n", family, units, demands, objective);
        out.printf("%-24s %8s %9s %14s %16s %8s %9s   %-20s %-20s%n", "method", "placed", "unplaced", "cost $/h", "objective $/h",
                "gap", "seconds", "used cpu/mem/gpu %", "stranded cpu/mem/gpu %");
        final PlanCost bestPlan = plans.stream().filter(p -> p.method().equals(best)).findFirst().orElseThrow();
        for (final PlanCost plan : plans) {
            out.printf("%-24s %8d %9d %14.2f %16.2f %7.1f%% %9.1f   %-20s %-20s%n", plan.method(), plan.placed(), plan.unplaced(),
                    plan.costMicros() / 1e6, plan.objectiveMicros() / 1e6, plan.gapPercent(bestPlan), plan.seconds(),
                    triple(plan.placedPercent()), triple(plan.strandedPercent()));
        }
        if (optimizer != null) {
            out.printf("after the stream: %,d placed demands released (the plans above compare what is left); %.1f%% above the"
                    + " best known after it settled; %,d allocations moved (%.1f%% of those placed); %,d unplaced demands sent"
                    + " again, %,d of them placed%n", optimizer.released(), optimizer.gapPercent(), optimizer.moved(),
                    optimizer.movedPercent(), optimizer.retried(), optimizer.retriedPlaced());
        }
        out.printf("engine rejections: %s%n", engineRejections.isEmpty() ? "none" : engineRejections);
        out.printf("verify: %s%n", verified ? "passed" : "FAILED with " + violations + " violations");
    }

    private static String triple(final java.util.Map<String, Double> byDimension) {
        return String.format("%.0f/%.0f/%.0f", byDimension.get("cpu"), byDimension.get("memory"), byDimension.get("gpu"));
    }
}
