package dev.orchestrator.adapters;

/** A provisioned resource as the provider reports it. */
public enum LiveState {
    /** Accepted, not usable yet (a claim not bound, a pod not ready). */
    PENDING,
    /** Usable: the executor reports PROVISIONED. */
    READY,
    /** The provider gave up on it. */
    FAILED,
    /** Nothing exists for the command. */
    ABSENT
}
