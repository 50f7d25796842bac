package dev.orchestrator.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestrator.app.chaos.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small bench run through the packaged jar, so the benchmark keeps working between measurements. */
class BenchIT {
    private static final String JAR = System.getProperty("orchestrator.jar", "target/orchestrator.jar");

    @TempDir
    Path dir;

    @Test
    void preemptsAndWaitsOnAFullFleetWithinTheBudgetsVerifyChecks() throws Exception {
        final Path json = dir.resolve("preemption.json");
        final Process bench = new ProcessBuilder(Processes.javaCommand("-Xmx768m", "-jar", JAR, "bench",
                "--profile", "preemption", "--units", "10", "--demands", "1500",
                "--wait", "2", "--json", json.toString())).directory(dir.toFile()).redirectErrorStream(true).start();
        final String output = finished(bench, Duration.ofMinutes(5));

        assertThat(bench.exitValue()).as(output).isZero();
        assertThat(output).contains("preempted allocations", "priority 10", "verify                             passed");
        final JsonNode result = new ObjectMapper().readTree(json.toFile());
        // every demand decided: the waits ended placed or expired
        assertThat(result.path("decisions").asLong()).as(output).isEqualTo(1500);
        final JsonNode scheduling = result.path("scheduling");
        assertThat(scheduling.path("preempted").asLong()).as(output).isPositive();
        assertThat(scheduling.path("byPriority").path("0").path("waitExpired").asLong()
                + scheduling.path("byPriority").path("0").path("placedAfterWaiting").asLong()).as(output).isPositive();
        assertThat(scheduling.path("byPriority").path("10").path("placedAtOnce").asLong()).as(output).isPositive();
        // a tenth of the demands come in gangs of four: verify checked each placed whole or not at all (invariant 8)
        assertThat(output).contains("members in gangs of 4");
        assertThat(scheduling.path("gangs").path("members").asLong()).as(output).isGreaterThanOrEqualTo(140);
        assertThat(scheduling.path("gangs").path("placedTogether").asLong()).as(output).isPositive();
        assertThat(result.path("verified").asBoolean()).isTrue();
    }

    @Test
    void comparesTheEngineOnAnOversubscribedFamilyWithStrandedCapacityPerDimension() throws Exception {
        final Path json = dir.resolve("oversubscribed.json");
        final Process bench = new ProcessBuilder(Processes.javaCommand("-Xmx768m", "-jar", JAR, "bench",
                "--profile", "quality", "--family", "oversubscribed", "--units", "40",
                "--demands", "300", "--solver-seconds", "2", "--json", json.toString()))
                .directory(dir.toFile()).redirectErrorStream(true).start();
        final String output = finished(bench, Duration.ofMinutes(5));

        assertThat(bench.exitValue()).as(output).isZero();
        assertThat(output).contains("family oversubscribed", "per rejected vCPU", "stranded cpu/mem/gpu %", "verify: passed",
                "engine (arrival order)", "first-fit-decreasing", "Timefold (best known)");
        final JsonNode result = new ObjectMapper().readTree(json.toFile());
        assertThat(result.path("family").asText()).isEqualTo("oversubscribed");
        // the easy family (the profile's default) shares this path; its instance is checked in QualityPlanningTest
        assertThat(result.path("plans")).hasSize(3);
        assertThat(result.path("engineGapPercent").asDouble()).isGreaterThanOrEqualTo(0);
        for (final JsonNode plan : result.path("plans")) {
            assertThat(plan.path("placed").asInt() + plan.path("unplaced").asInt()).isEqualTo(300);
            assertThat(plan.path("unplaced").asInt()).as("120-150%% of the fleet asked: %s", plan).isPositive();
            assertThat(plan.path("strandedPercent").has("gpu")).isTrue();
        }
        assertThat(result.path("verified").asBoolean()).isTrue();
    }

    @Test
    void runsTheBackgroundOptimizerAfterChurnAndComparesWhatIsLeft() throws Exception {
        final Path json = dir.resolve("churn.json");
        final Process bench = new ProcessBuilder(Processes.javaCommand("-Xmx768m", "-jar", JAR, "bench",
                "--profile", "quality", "--family", "oversubscribed", "--units", "40",
                "--demands", "300", "--solver-seconds", "2", "--churn", "25", "--optimizer", "1", "--weight", "balance=1",
                "--json", json.toString())).directory(dir.toFile()).redirectErrorStream(true).start();
        final String output = finished(bench, Duration.ofMinutes(5));

        assertThat(bench.exitValue()).as(output).isZero();
        assertThat(output).contains("engine + optimizer", "optimizer pass 1", "verify: passed");
        final JsonNode result = new ObjectMapper().readTree(json.toFile());
        final int released = result.path("optimizer").path("released").asInt();
        assertThat(released).as(output).isPositive();
        assertThat(result.path("demands").asInt()).isEqualTo(300 - released);
        assertThat(result.path("plans")).extracting(p -> p.path("method").asText())
                .containsExactly("engine + optimizer", "first-fit-decreasing", "Timefold (best known)");
        for (final JsonNode plan : result.path("plans")) {
            assertThat(plan.path("placed").asInt() + plan.path("unplaced").asInt()).isEqualTo(300 - released);
        }
        assertThat(result.path("optimizer").path("retried").asInt()).isPositive();
        assertThat(result.path("verified").asBoolean()).isTrue();
    }

    @Test
    void measuresTheConnectExecutorAlone() throws Exception {
        final Path json = dir.resolve("execution.json");
        final Process bench = new ProcessBuilder(Processes.javaCommand("-Xmx768m", "-jar", JAR, "bench",
                "--profile", "execution", "--units", "50", "--demands", "3000",
                "--json", json.toString())).directory(dir.toFile()).redirectErrorStream(true).start();
        final String output = finished(bench, Duration.ofMinutes(5));

        assertThat(bench.exitValue()).as(output).isZero();
        assertThat(output).contains("warming up", "executed", "command -> outcome");
        final JsonNode result = new ObjectMapper().readTree(json.toFile());
        assertThat(result.path("commands").asLong()).isEqualTo(3000);
        assertThat(result.path("executedPerSecond").asDouble()).isPositive();
        assertThat(result.path("latencyP99Millis").asDouble()).isGreaterThanOrEqualTo(result.path("latencyP50Millis").asDouble());
        assertThat(result.path("failed").asLong()).isZero();
    }

    @Test
    void measuresQueriesWhilePlacementsRunEndToEndAndVerifiesThem() throws Exception {
        // 8,500 demands at 300/s: 28 s, of which a 5 s warm-up and three 5 s windows after the first decision need 20.
        // The query profile is the steady one with a query load in its middle window, so this run also stands for
        // the steady profile end to end: baseline, latency, verify (one bench JVM fewer in the test command)
        final Path json = dir.resolve("query.json");
        final Process bench = new ProcessBuilder(Processes.javaCommand("-Xmx768m", "-jar", JAR, "bench",
                "--profile", "query", "--units", "200", "--demands", "8500", "--rate", "300",
                "--phase-seconds", "5", "--warm-up", "5", "--query-rate", "200", "--json", json.toString()))
                .directory(dir.toFile()).redirectErrorStream(true).start();
        final String output = finished(bench, Duration.ofMinutes(5));

        assertThat(bench.exitValue()).as(output).isZero();
        assertThat(output).contains("query latency ms", "decisions per second", "query load on", "query load off",
                "ratio to baseline", "verify                             passed");
        final JsonNode result = new ObjectMapper().readTree(json.toFile());
        final JsonNode placements = result.path("placements");
        assertThat(placements.path("decisions").asLong()).isEqualTo(8500);
        assertThat(placements.path("baselinePerSecond").asDouble()).isPositive();
        assertThat(placements.path("p99Millis").asLong()).isPositive();
        assertThat(placements.path("verified").asBoolean()).isTrue();
        final JsonNode queries = result.path("queries");
        assertThat(queries.path("complete").asBoolean()).isTrue();
        // a 5 s window less the 3 s warm-up at 200/s: about 400 counted requests
        assertThat(queries.path("queries").path("requests").asLong()).isGreaterThan(200);
        // a loaded 2-core machine may fail a stray request (4 of about 470 in one full run of the
        // test command, 0 in the runs before and after): a systematic failure is far above 1%;
        // the bench logs the first failures, so the message says what they were
        // the message leads with the failures and their causes; the broker's leader-election retries
        // at start (NOT_LEADER_OR_FOLLOWER) are left out, they filled the whole message once
        assertThat(queries.path("queries").path("errors").asLong())
                .as("causes %s%n%s%n%s", queries.path("queries").path("errorCauses"),
                        output.lines().filter(l -> l.contains("query failed")).toList(),
                        output.lines().filter(l -> (l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("ready:")
                                || l.contains("engine state")) && !l.contains("NOT_LEADER_OR_FOLLOWER")
                                && !l.contains("NotLeaderOrFollower")).limit(40).toList())
                .isLessThanOrEqualTo(queries.path("queries").path("requests").asLong() / 100);
        assertThat(queries.path("queries").path("p99Millis").asDouble()).isPositive();
        assertThat(queries.path("decisionsBefore").asDouble()).isPositive();
        assertThat(queries.path("decisionsDuring").asDouble()).isPositive();
    }

    /**
     * What {@code bench} printed once it has ended; one still running after {@code limit} is stopped and the
     * test fails with where its main thread waits and the last of its output (reading its output alone would
     * wait for the end however long it takes).
     */
    private static String finished(final Process bench, final Duration limit) throws Exception {
        final java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        final Thread drain = new Thread(() -> {
            try (var in = bench.getInputStream()) {
                in.transferTo(printed);
            } catch (final java.io.IOException e) {
                // the process is gone: what was read is kept
            }
        }, "bench-output");
        drain.start();
        if (!bench.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            final Process dump = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                    String.valueOf(bench.pid())).redirectErrorStream(true).start();
            final String threads = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            bench.destroy();
            if (!bench.waitFor(15, TimeUnit.SECONDS)) {
                bench.destroyForcibly();
            }
            drain.join(5_000);
            final String main = threads.contains("\"main\"") ? threads.substring(threads.indexOf("\"main\""),
                    Math.min(threads.length(), threads.indexOf("\"main\"") + 3_000)) : threads;
            final String out = printed.toString(StandardCharsets.UTF_8);
            throw new AssertionError("bench still running after " + limit.toSeconds() + " s; its main thread:\n" + main
                    + "\nits last output:\n" + out.substring(Math.max(0, out.length() - 6_000)));
        }
        drain.join(10_000);
        return printed.toString(StandardCharsets.UTF_8);
    }
}
