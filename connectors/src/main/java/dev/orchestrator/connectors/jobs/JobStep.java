package dev.orchestrator.connectors.jobs;

import dev.orchestrator.avro.JobState;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The job state machine: created -> processing -> pending verification -> completed | failed, where
 * a transient error sends a job from processing or verification back to processing for a retry.
 * Completed and failed are final for one run; an operator's retry starts a new run at created.
 */
public final class JobStep {
    private static final Map<JobState, Set<JobState>> NEXT = Map.of(
            JobState.CREATED, EnumSet.of(JobState.PROCESSING),
            JobState.PROCESSING, EnumSet.of(JobState.PROCESSING, JobState.PENDING_VERIFICATION, JobState.COMPLETED, JobState.FAILED),
            JobState.PENDING_VERIFICATION, EnumSet.of(JobState.PROCESSING, JobState.COMPLETED, JobState.FAILED),
            JobState.COMPLETED, EnumSet.noneOf(JobState.class),
            JobState.FAILED, EnumSet.noneOf(JobState.class),
            JobState.UNKNOWN, EnumSet.noneOf(JobState.class));

    private JobStep() {
    }

    public static boolean allowed(final JobState from, final JobState to) {
        return NEXT.getOrDefault(from, Set.of()).contains(to);
    }

    /** {@code to}, if the machine allows it from {@code from}; otherwise an IllegalStateException naming both. */
    public static JobState require(final JobState from, final JobState to) {
        if (!allowed(from, to)) {
            throw new IllegalStateException("a job cannot go from " + from + " to " + to);
        }
        return to;
    }

    public static boolean isFinal(final JobState state) {
        return state == JobState.COMPLETED || state == JobState.FAILED;
    }
}
