package dev.orchestrator.topology.optimize;

/**
 * The background optimizer's tunables: whether it runs; how often each task plans a round; the least gain a plan
 * must show (the size of the demand it makes room for over the size of what moves); the moves a round may ask;
 * and each consumer's disruption limit, in percent of its allocations on a task moved within a window (any move
 * counts, a maintenance move too, so the optimizer never adds to a consumer already disrupted).
 */
public record OptimizerSettings(boolean enabled, long intervalMillis, double minGain, int movesPerRound,
                                int disruptionPercent, long disruptionWindowMillis) {
    /** Moves one plan may take to make room for one shape. */
    public static final int MOVES_PER_SHAPE = 3;
    /** Demand turned away that a task remembers for its next rounds. */
    public static final int REMEMBERED = 64;
    /** How long the planner may think per round. */
    public static final long BUDGET_NANOS = 20_000_000L;

    public OptimizerSettings {
        if (intervalMillis < 1 || minGain <= 0 || movesPerRound < 1 || disruptionPercent < 0 || disruptionPercent > 100
                || disruptionWindowMillis < 1) {
            throw new IllegalArgumentException("optimizer settings out of range: interval " + intervalMillis + " ms, gain "
                    + minGain + ", moves " + movesPerRound + ", disruption " + disruptionPercent + "% per "
                    + disruptionWindowMillis + " ms");
        }
    }

    public static OptimizerSettings off() {
        return new OptimizerSettings(false, 10_000, 1.5, 8, 10, 3_600_000);
    }

    /** How long a turned-away demand's shape is worth planning for. */
    public long rememberMillis() {
        return 10 * intervalMillis;
    }
}
