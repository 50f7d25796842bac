package dev.orchestrator.app.chaos;

import java.util.List;

/**
 * What one fault run did and found: demand records in, decisions, dead letters, and the violations
 * verify reported (its invariant 5 checks that every input is decided or dead-lettered).
 */
public record ScenarioResult(String scenario, long inputs, long decisions, long deadLetters,
                             List<String> violations, double seconds, String measured) {
    public boolean passed() {
        return violations.isEmpty();
    }
}
