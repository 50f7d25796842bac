package dev.orchestrator.app.verify;

/** One broken invariant, with the keys to look up. */
public record Violation(int invariant, String key, String what) {
    @Override
    public String toString() {
        return "invariant " + invariant + " key=" + key + ": " + what;
    }
}
