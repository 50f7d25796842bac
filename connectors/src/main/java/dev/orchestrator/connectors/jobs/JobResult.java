package dev.orchestrator.connectors.jobs;

import dev.orchestrator.adapters.AdapterException;
import dev.orchestrator.avro.OutcomeStatus;

/**
 * How a job ended: the outcome to report ({@code PROVISIONED}, {@code DEPROVISIONED}, {@code MIGRATED},
 * {@code CHECKED} with what was observed, or {@code FAILED}), where the capacity is reached, how many provider calls it took, and for a
 * failure whether it was terminal and what the provider said.
 */
public record JobResult(OutcomeStatus status, String endpoint, int attempts, AdapterException.Kind errorKind,
                        String errorCode, String error, java.util.Map<String, String> observed) {
    public JobResult {
        observed = observed == null ? java.util.Map.of() : java.util.Map.copyOf(observed);
    }

    static JobResult done(final OutcomeStatus status, final String endpoint, final int attempts) {
        return new JobResult(status, endpoint, attempts, null, null, null, null);
    }

    static JobResult failed(final int attempts, final AdapterException.Kind kind, final String code, final String error) {
        return new JobResult(OutcomeStatus.FAILED, null, attempts, kind, code, error, null);
    }

    /** A drift check's answer: what the provider shows (state, and the properties it reports). */
    static JobResult checked(final java.util.Map<String, String> observed, final int attempts) {
        return new JobResult(OutcomeStatus.CHECKED, null, attempts, null, null, null, observed);
    }

    public boolean failed() {
        return status == OutcomeStatus.FAILED;
    }
}
