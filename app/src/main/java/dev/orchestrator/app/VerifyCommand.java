package dev.orchestrator.app;

import dev.orchestrator.app.config.OrchestratorConfig;
import dev.orchestrator.app.verify.Verifier;
import dev.orchestrator.app.verify.VerifyReport;
import dev.orchestrator.app.verify.Violation;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Checks the invariants of DESIGN.md section 4 on what a cluster has committed. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Read every committed output topic and check: no overcommitted unit, one decision per demand, "
                + "quotas and budgets held, audit replay matches the live state, inputs = decisions + dead letters. "
                + "Exits 1 on any violation.")
final class VerifyCommand implements Callable<Integer> {
    private static final int SHOWN = 50;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--settle", paramLabel = "SECONDS", defaultValue = "10",
            description = "on a live cluster, demand younger than this is not expected to be decided yet "
                    + "(default: ${DEFAULT-VALUE}; 0 after a finished run)")
    long settleSeconds;

    @Override
    public Integer call() {
        final OrchestratorConfig config = cluster.config();
        if (settleSeconds < 0 || settleSeconds > 86_400) {
            throw new dev.orchestrator.app.config.ConfigException("--settle=" + settleSeconds + ": expected 0 to 86400 seconds");
        }
        return print(new Verifier(cluster.topics(config), cluster.bootstrap, config.kafkaClient(), settleSeconds * 1000)
                .forApplication(config.string(dev.orchestrator.app.config.ConfigKey.APPLICATION_ID))
                .withScheduling(Instance.scheduling(config)).verify());
    }

    /** Prints the summary and the violations; returns the exit status. */
    static int print(final VerifyReport report) {
        System.out.printf("verify: %d demand records (%d too recent to judge), %d decisions, %d dead letters, "
                + "%d audit events, %d units%n", report.demands(), report.recentDemands(), report.decisions(),
                report.deadLetters(), report.auditEvents(), report.units());
        final String[] names = {"", "no overcommit in any dimension, nothing placed on an unallocatable unit or a unit of another GPU model",
            "exactly one decision per demand", "quotas and budgets held",
            "audit replays to the state the engine's stores hold", "inputs = decisions + dead letters",
            "the books balance: no money created, lost or moved twice"};
        for (int invariant = 1; invariant <= 6; invariant++) {
            final int n = invariant;
            final long count = report.violations().stream().filter(v -> v.invariant() == n).count();
            System.out.printf("  [%s] %d %s%s%n", count == 0 ? "ok" : "FAIL", invariant, names[invariant],
                    count == 0 ? "" : " (" + count + " violations)");
        }
        report.notes().forEach(note -> System.out.println("  note: " + note));
        report.violations().stream().limit(SHOWN).map(Violation::toString).forEach(v -> System.out.println("    " + v));
        if (report.violations().size() > SHOWN) {
            System.out.printf("    ... and %d more%n", report.violations().size() - SHOWN);
        }
        return report.passed() ? 0 : 1;
    }
}
