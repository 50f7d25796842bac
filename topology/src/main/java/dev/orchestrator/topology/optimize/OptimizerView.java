package dev.orchestrator.topology.optimize;

/**
 * What a task's last optimizer round saw, for /metrics and /v1/queues: the demand turned away for lack of room that
 * it remembers, how much of it had room in pieces (the free capacity of the units it may use, added up, would have
 * held it: what packing lost, and so at most what moving allocations could win back), the moves it asked, and the
 * allocations it looked at ({@code at} 0: no round ran, the optimizer is off or has not started).
 */
public record OptimizerView(long at, int turnedAway, int roomInPieces, int movesAsked, int allocations) {
    public static final OptimizerView NONE = new OptimizerView(0, 0, 0, 0, 0);

    /** The share of the turned-away demand that had room in pieces: the optimizer's estimate of what packing loses. */
    public double inPiecesRatio() {
        return turnedAway == 0 ? 0 : (double) roomInPieces / turnedAway;
    }

}
