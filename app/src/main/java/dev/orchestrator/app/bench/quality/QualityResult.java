package dev.orchestrator.app.bench.quality;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** The outcome of the quality profile, as printed and as written with --json. */
public record QualityResult(int units, int demands, List<PlanCost> plans, String best, double engineGapPercent,
                            double firstFitGapPercent, Map<String, Long> engineRejections, boolean verified,
                            int violations) {
    public void print(final PrintStream out) {
        out.println();
        out.printf("profile quality: %d units, %,d demands; objective = hourly cost + 2x the dearest allowed price "
                + "of each unplaced demand%n", units, demands);
        out.printf("%-24s %8s %9s %14s %16s %8s %9s%n", "method", "placed", "unplaced", "cost $/h", "objective $/h",
                "gap", "seconds");
        final PlanCost bestPlan = plans.stream().filter(p -> p.method().equals(best)).findFirst().orElseThrow();
        for (final PlanCost plan : plans) {
            out.printf("%-24s %8d %9d %14.2f %16.2f %7.1f%% %9.1f%n", plan.method(), plan.placed(), plan.unplaced(),
                    plan.costMicros() / 1e6, plan.objectiveMicros() / 1e6, plan.gapPercent(bestPlan), plan.seconds());
        }
        out.printf("engine rejections: %s%n", engineRejections.isEmpty() ? "none" : engineRejections);
        out.printf("verify: %s%n", verified ? "passed" : "FAILED with " + violations + " violations");
    }
}
