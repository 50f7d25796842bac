package dev.orchestrator.connectors.jobs;

import dev.orchestrator.adapters.AdapterException;
import dev.orchestrator.adapters.LiveState;
import dev.orchestrator.adapters.Placement;
import dev.orchestrator.adapters.ProviderAdapter;
import dev.orchestrator.adapters.Provisioned;
import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.JobState;
import dev.orchestrator.avro.OutcomeStatus;
import java.util.Random;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one command's job against a provider adapter: calls the provider (idempotent on the command
 * id, so a redelivered command finds what an earlier run created), then polls its live state until it
 * is ready, failed or past the verification deadline. Transient errors are retried with {@link Backoff};
 * terminal ones end the job at once. A placement that failed after something was created is cleaned
 * up, so a re-placement elsewhere does not leave it running.
 */
public final class JobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    private final ProviderAdapter adapter;
    private final Backoff backoff;
    private final long pollMillis;
    private final long verifyTimeoutMillis;
    private final Sleeper sleeper;
    private final LongSupplier clockMillis;
    private final Random jitter;

    public JobRunner(final ProviderAdapter adapter, final Backoff backoff, final long pollMillis, final long verifyTimeoutMillis,
                     final Sleeper sleeper, final LongSupplier clockMillis, final Random jitter) {
        if (pollMillis <= 0 || verifyTimeoutMillis <= 0) {
            throw new IllegalArgumentException("poll interval and verification timeout must be positive");
        }
        this.adapter = adapter;
        this.backoff = backoff;
        this.pollMillis = pollMillis;
        this.verifyTimeoutMillis = verifyTimeoutMillis;
        this.sleeper = sleeper;
        this.clockMillis = clockMillis;
        this.jitter = jitter;
    }

    /**
     * Runs the job to completed or failed, telling {@code listener} each state it enters; a MIGRATE
     * removes the allocation from {@code sourceDataUnitId} (null for other commands) once its target is
     * ready, so it is never without a home. An interrupt (the task is stopping) ends the run with
     * InterruptedException and no outcome: the command is not committed, so the next owner of its
     * partition runs it again.
     */
    public JobResult run(final CommandType type, final Placement placement, final String sourceDataUnitId,
                         final JobListener listener) throws InterruptedException {
        JobState state = JobState.CREATED;
        listener.entered(state, 0, null, null);
        int attempt = 0;
        while (true) {
            attempt++;
            state = JobStep.require(state, JobState.PROCESSING);
            listener.entered(state, attempt, null, null);
            try {
                if (type == CommandType.CHECK) {
                    return check(placement, state, attempt, listener);
                }
                if (type == CommandType.DEPROVISION) {
                    adapter.deprovision(placement.allocationId(), placement.dataUnitId());
                    listener.entered(JobStep.require(state, JobState.COMPLETED), attempt, null, null);
                    return JobResult.done(OutcomeStatus.DEPROVISIONED, null, attempt);
                }
                final Provisioned provisioned = type == CommandType.MIGRATE ? adapter.migrate(placement) : adapter.provision(placement);
                state = JobStep.require(state, JobState.PENDING_VERIFICATION);
                listener.entered(state, attempt, null, null);
                final LiveState live = verify(placement.commandId(), provisioned.state());
                if (live == LiveState.READY) {
                    // a resource often has its address only once it runs: read it again (idempotent) for the endpoint
                    final String endpoint = provisioned.state() == LiveState.READY ? provisioned.endpoint()
                            : (type == CommandType.MIGRATE ? adapter.migrate(placement) : adapter.provision(placement)).endpoint();
                    if (type == CommandType.MIGRATE && sourceDataUnitId != null && !sourceDataUnitId.equals(placement.dataUnitId())) {
                        adapter.deprovision(placement.allocationId(), sourceDataUnitId);
                    }
                    listener.entered(JobStep.require(state, JobState.COMPLETED), attempt, null, null);
                    return JobResult.done(type == CommandType.MIGRATE ? OutcomeStatus.MIGRATED : OutcomeStatus.PROVISIONED,
                            endpoint, attempt);
                }
                final String why = live == LiveState.FAILED ? "the provider reports the resource failed"
                        : live == LiveState.ABSENT ? "the provider no longer has the resource"
                        : "not ready within " + verifyTimeoutMillis + " ms";
                return fail(type, placement, state, attempt, AdapterException.Kind.TERMINAL,
                        live == LiveState.PENDING ? "VERIFY_TIMEOUT" : "PROVIDER_" + live, why, listener);
            } catch (final AdapterException e) {
                if (e.retryable() && backoff.allowsAnotherAfter(attempt)) {
                    listener.entered(state, attempt, e.kind(), e.getMessage());
                    sleeper.sleep(backoff.delayAfter(attempt, jitter));
                    continue;
                }
                if (type == CommandType.CHECK) {
                    return unreadable(state, attempt, e.getMessage(), listener);
                }
                return fail(type, placement, state, attempt, e.kind(), e.retryable() ? "RETRIES_EXHAUSTED" : "TERMINAL",
                        e.getMessage(), listener);
            } catch (final RuntimeException e) {
                if (type == CommandType.CHECK) {
                    return unreadable(state, attempt, e.toString(), listener);
                }
                // an adapter bug or a refused argument: retrying the same call cannot help
                return fail(type, placement, state, attempt, AdapterException.Kind.TERMINAL, "ADAPTER_ERROR", e.toString(), listener);
            }
        }
    }

    /**
     * A drift check reads what the provider shows of the allocation on the unit and changes nothing; an
     * adapter that cannot read it back says so in the observation.
     */
    private JobResult check(final Placement placement, final JobState state, final int attempt, final JobListener listener) {
        final java.util.Map<String, String> observed = adapter.observe(placement.allocationId(), placement.dataUnitId())
                .map(dev.orchestrator.adapters.Observed::asMap)
                .orElse(java.util.Map.of("state", "UNREADABLE", "error", "the " + adapter.type() + " adapter does not read live properties"));
        listener.entered(JobStep.require(state, JobState.COMPLETED), attempt, null, null);
        return JobResult.checked(observed, attempt);
    }

    /**
     * A check whose read failed is still answered, never FAILED: a failed outcome would read as the allocation's
     * own failure, and nothing of it is cleaned up.
     */
    private static JobResult unreadable(final JobState state, final int attempt, final String error, final JobListener listener) {
        listener.entered(JobStep.require(state, JobState.COMPLETED), attempt, null, null);
        final String cut = error == null ? "" : error.length() > 500 ? error.substring(0, 500) : error;
        return JobResult.checked(java.util.Map.of("state", "UNREADABLE", "error", cut), attempt);
    }

    /** Polls until ready, failed or absent, or until the deadline; a transient error while polling is polled past. */
    private LiveState verify(final String commandId, final LiveState first) throws InterruptedException {
        final long deadline = clockMillis.getAsLong() + verifyTimeoutMillis;
        LiveState live = first;
        while (live == LiveState.PENDING || live == null) {
            if (clockMillis.getAsLong() >= deadline) {
                return LiveState.PENDING;
            }
            sleeper.sleep(pollMillis);
            try {
                live = adapter.state(commandId);
            } catch (final AdapterException e) {
                if (!e.retryable()) {
                    throw e;
                }
                live = LiveState.PENDING;
            }
        }
        return live;
    }

    private JobResult fail(final CommandType type, final Placement placement, final JobState from, final int attempts,
                           final AdapterException.Kind kind, final String code, final String error, final JobListener listener) {
        if (type != CommandType.DEPROVISION) {
            cleanUp(placement);
        }
        listener.entered(JobStep.require(from, JobState.FAILED), attempts, kind, error);
        return JobResult.failed(attempts, kind, code, error);
    }

    /** Best effort: what the failed attempt left on the target unit is removed; the allocation is placed elsewhere or stays where it was. */
    private void cleanUp(final Placement placement) {
        try {
            adapter.deprovision(placement.allocationId(), placement.dataUnitId());
        } catch (final RuntimeException e) {
            LOG.warn("clean-up after failed command={} allocation={} failed, resources may remain at the provider: {}",
                    placement.commandId(), placement.allocationId(), e.getMessage());
        }
    }
}
