package dev.orchestrator.app.bench;

import java.util.Locale;

/**
 * The shape of a benchmark run. {@code hotShare}: share of demand aimed at one small pool
 * (contention); {@code maintenanceShare}: share of units sent to maintenance halfway (migration storm).
 * The preemption profile sends mixed priorities with wait limits on a fleet the demand fills.
 */
public record BenchProfile(String name, int units, long demands, int consumers, int regions, double releaseShare,
                           double hotShare, double maintenanceShare) {
    public static BenchProfile named(final String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "steady" -> new BenchProfile("steady", 10_000, 1_000_000, 200, 10, 0.1, 0, 0);
            case "contention" -> new BenchProfile("contention", 10_000, 200_000, 200, 10, 0.1, 0.8, 0);
            case "migration-storm" -> new BenchProfile("migration-storm", 10_000, 200_000, 200, 10, 0.1, 0, 0.1);
            case "query" -> new BenchProfile("query", 10_000, 72_000, 200, 10, 0.1, 0, 0);
            case "quality" -> new BenchProfile("quality", 200, 2_000, 20, 4, 0, 0, 0);
            // a fleet the demand fills about halfway in: priorities 0, 5 and 10, waiting and preemption
            case "preemption" -> new BenchProfile("preemption", 300, 60_000, 200, 10, 0.1, 0, 0);
            // demands are commands here: written straight to commands.v1 for the executor alone
            case "execution" -> new BenchProfile("execution", 2_000, 50_000, 1, 1, 0, 0, 0);
            default -> throw new IllegalArgumentException("unknown profile '" + name
                    + "'; known: steady, contention, migration-storm, query, quality, execution, preemption");
        };
    }

    /** Whether demands carry priorities and wait limits (the preemption profile). */
    public boolean prioritized() {
        return "preemption".equals(name);
    }

    public BenchProfile withDemands(final long count) {
        return new BenchProfile(name, units, count, consumers, regions, releaseShare, hotShare, maintenanceShare);
    }

    public BenchProfile withUnits(final int count) {
        return new BenchProfile(name, count, demands, consumers, regions, releaseShare, hotShare, maintenanceShare);
    }
}
