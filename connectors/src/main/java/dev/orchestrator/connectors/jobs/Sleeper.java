package dev.orchestrator.connectors.jobs;

/** Waits between attempts and polls; tests pass one that only advances a fake clock. */
@FunctionalInterface
public interface Sleeper {
    void sleep(long millis) throws InterruptedException;
}
