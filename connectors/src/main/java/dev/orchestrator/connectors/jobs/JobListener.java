package dev.orchestrator.connectors.jobs;

import dev.orchestrator.adapters.AdapterException;
import dev.orchestrator.avro.JobState;

/** Hears each state a job enters, with the attempts so far and the last error (null when none). */
@FunctionalInterface
public interface JobListener {
    void entered(JobState state, int attempts, AdapterException.Kind errorKind, String error);
}
