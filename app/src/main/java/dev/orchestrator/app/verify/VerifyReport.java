package dev.orchestrator.app.verify;

import java.util.List;

/** What the verifier read and every violation it found; {@code recentDemands} were too young to judge. */
public record VerifyReport(long demands, long recentDemands, long decisions, long deadLetters, long auditEvents, long units,
                           List<Violation> violations, List<String> notes) {
    public VerifyReport {
        violations = List.copyOf(violations);
        notes = List.copyOf(notes);
    }

    public boolean passed() {
        return violations.isEmpty();
    }
}
