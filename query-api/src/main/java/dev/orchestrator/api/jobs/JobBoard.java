package dev.orchestrator.api.jobs;

import dev.orchestrator.avro.ExecutionJob;
import dev.orchestrator.avro.JobState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The executors' jobs as operators need them: the latest state of every job not completed (failed
 * ones wait here for a retry), and how many jobs are in each state. Completed jobs are only counted,
 * so the board stays as small as the trouble is. Which failed jobs were already sent again is
 * remembered, so a second bulk retry does not run a job twice.
 */
public final class JobBoard {
    private final int capacity;
    private final Map<String, ExecutionJob> open = new ConcurrentHashMap<>();
    private final Set<String> retried = ConcurrentHashMap.newKeySet();
    private final Map<JobState, Long> seen = new EnumMap<>(JobState.class);

    public JobBoard(final int capacity) {
        this.capacity = capacity;
    }

    /** The job's newest state, as read from the jobs topic. */
    public synchronized void apply(final ExecutionJob job) {
        seen.merge(job.getState(), 1L, Long::sum);
        if (job.getState() == JobState.COMPLETED) {
            open.remove(job.getCommandId());
            retried.remove(job.getCommandId());
            return;
        }
        if (job.getState() != JobState.FAILED) {
            // running again: a retry (or a redelivery) reached an executor
            retried.remove(job.getCommandId());
        }
        open.put(job.getCommandId(), job);
        if (open.size() > capacity) {
            // keep the newest trouble: drop the tenth updated longest ago at once, so a storm of failures
            // does not sort the board on every record
            final int excess = open.size() - capacity + Math.max(1, capacity / 10);
            open.values().stream().sorted(Comparator.comparing(ExecutionJob::getUpdatedAt)).limit(excess).toList()
                    .forEach(oldest -> open.remove(oldest.getCommandId()));
        }
    }

    public Optional<ExecutionJob> get(final String commandId) {
        return Optional.ofNullable(open.get(commandId));
    }

    /** Jobs in {@code state} (all open ones when null), of {@code unit} when given, newest first, at most {@code limit}. */
    public List<ExecutionJob> list(final JobState state, final String unit, final int limit) {
        final List<ExecutionJob> found = new ArrayList<>();
        for (final ExecutionJob job : open.values()) {
            if ((state == null || job.getState() == state) && (unit == null || unit.equals(job.getDataUnitId()))) {
                found.add(job);
            }
        }
        found.sort(Comparator.comparing(ExecutionJob::getUpdatedAt).reversed().thenComparing(ExecutionJob::getCommandId));
        return found.size() > limit ? List.copyOf(found.subList(0, limit)) : found;
    }

    public boolean retryRequested(final String commandId) {
        return retried.contains(commandId);
    }

    /** Marks the job as sent again; false when it already was. */
    public boolean markRetried(final String commandId) {
        return retried.add(commandId);
    }

    /** Forgets a retry that could not be sent. */
    public void unmarkRetried(final String commandId) {
        retried.remove(commandId);
    }

    /** Jobs per state: open ones by their current state, plus completed ones ever seen. */
    public synchronized Map<String, Long> counts() {
        final Map<String, Long> counts = new LinkedHashMap<>();
        for (final JobState state : JobState.values()) {
            if (state != JobState.UNKNOWN) {
                counts.put(state.name(), 0L);
            }
        }
        open.values().forEach(job -> counts.merge(job.getState().name(), 1L, Long::sum));
        counts.put(JobState.COMPLETED.name(), seen.getOrDefault(JobState.COMPLETED, 0L));
        return counts;
    }
}
