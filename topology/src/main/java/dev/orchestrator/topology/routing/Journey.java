package dev.orchestrator.topology.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a demand not yet decided has been: the partition it arrived on, the partition that
 * arrival's record points to, the tasks that could not place it, how many lease round trips it made,
 * and whether the consumer's home handed out all that was left of its limits ({@code exhausted}), so
 * that a refusal for want of lease is final.
 */
public record Journey(int arrival, int pointedTo, List<Integer> triedPartitions, int leaseRounds, boolean exhausted) {
    public Journey {
        triedPartitions = List.copyOf(triedPartitions);
    }

    public static Journey arrivedOn(final int partition) {
        return new Journey(partition, partition, List.of(), 0, false);
    }

    /** On its way from {@code from} (which could not place it) to another task. */
    public Journey movedOn(final int from) {
        final List<Integer> tried = new ArrayList<>(triedPartitions);
        if (!tried.contains(from)) {
            tried.add(from);
        }
        return new Journey(arrival, pointedTo, tried, leaseRounds, exhausted);
    }

    public Journey pointingTo(final int partition) {
        return new Journey(arrival, partition, triedPartitions, leaseRounds, exhausted);
    }

    /** Back from the consumer's home with a grant. */
    public Journey granted(final boolean allThereWas) {
        return new Journey(arrival, pointedTo, triedPartitions, leaseRounds + 1, exhausted || allThereWas);
    }
}
