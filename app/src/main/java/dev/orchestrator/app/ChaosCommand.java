package dev.orchestrator.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.orchestrator.app.chaos.ScenarioResult;
import dev.orchestrator.app.chaos.Scenarios;
import dev.orchestrator.app.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The full-length fault runs: real SIGKILLs of engine and broker JVMs on loopback, each ending with verify. */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = {"Run the fault scenarios at full length, each on brokers of its own (one out-of-process broker; three "
                + "in this JVM for multi-broker) with engine JVMs "
                + "started from this jar, and verify the committed output after each. Exits 1 when a scenario loses, "
                + "duplicates or overcommits anything.",
                "Scenarios: kill-nine (two engines, one SIGKILLed every 10 s and restarted while demands flow), "
                        + "broker-restart (the broker SIGKILLed halfway and restarted), poison-mix (10%% poison records), "
                        + "failover (standby replicas; time until decisions resume), multi-broker (three brokers in this "
                        + "JVM with replication 3 and min ISR 2, three engine JVMs: a broker stopped and restarted, an "
                        + "engine SIGKILLed and restarted; time until decisions and reads resume)."})
final class ChaosCommand implements Callable<Integer> {
    private static final List<String> ALL = List.of("kill-nine", "broker-restart", "poison-mix", "failover", "multi-broker");

    @Option(names = "--scenario", paramLabel = "NAME", split = ",",
            description = "kill-nine, broker-restart, poison-mix, failover, multi-broker; comma-separated (default: all)")
    List<String> scenarios = ALL;

    @Option(names = "--demands", paramLabel = "N", defaultValue = "100000",
            description = "demands in kill-nine; broker-restart, poison-mix and multi-broker send a fifth of it "
                    + "(default: ${DEFAULT-VALUE})")
    int demands;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "1000",
            description = "demands per second while faults happen (default: ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--kill-every", paramLabel = "SECONDS", defaultValue = "10",
            description = "kill-nine: seconds between SIGKILLs (default: ${DEFAULT-VALUE})")
    int killEvery;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "data/chaos",
            description = "where brokers and engines keep data and logs (default: ${DEFAULT-VALUE})")
    Path dir;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON")
    Path json;

    @Override
    public Integer call() throws Exception {
        final Set<String> chosen = new LinkedHashSet<>(scenarios);
        for (final String name : chosen) {
            if (!ALL.contains(name)) {
                throw new ConfigException("--scenario: unknown '" + name + "'; known: " + String.join(", ", ALL));
            }
        }
        if (demands < 100 || demands > 10_000_000) {
            throw new ConfigException("--demands=" + demands + ": expected 100 to 10000000");
        }
        if (rate < 0 || rate > 1_000_000) {
            throw new ConfigException("--rate=" + rate + ": expected 0 (as fast as possible) to 1000000");
        }
        if (killEvery < 1 || killEvery > 3_600) {
            throw new ConfigException("--kill-every=" + killEvery + ": expected 1 to 3600");
        }
        final Path run = dir.resolve("chaos-" + System.currentTimeMillis());
        System.out.printf("chaos: %s; processes log under %s%n", String.join(", ", chosen), run);
        final Scenarios faults = new Scenarios(run, System.out);
        final List<ScenarioResult> results = new ArrayList<>();
        for (final String name : chosen) {
            results.add(switch (name) {
                case "kill-nine" -> faults.killNine(demands, rate, Duration.ofSeconds(killEvery));
                case "broker-restart" -> faults.brokerRestart(Math.max(100, demands / 5), rate);
                case "poison-mix" -> faults.poisonMix(Math.max(100, demands / 5));
                case "multi-broker" -> faults.multiBroker(Math.max(300, demands / 5), rate);
                default -> faults.failover(300);
            });
        }
        System.out.println();
        System.out.printf("%-15s %10s %10s %8s %8s %8s  %s%n", "scenario", "inputs", "decisions", "DLQ", "seconds", "verify",
                "measured");
        for (final ScenarioResult r : results) {
            System.out.printf("%-15s %,10d %,10d %,8d %8.1f %8s  %s%n", r.scenario(), r.inputs(), r.decisions(),
                    r.deadLetters(), r.seconds(), r.passed() ? "passed" : "FAILED", r.measured());
            r.violations().stream().limit(20).forEach(v -> System.out.println("  violation: " + v));
        }
        if (json != null) {
            Files.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(results));
            System.out.println("wrote " + json);
        }
        return results.stream().allMatch(ScenarioResult::passed) ? 0 : 1;
    }
}
