package dev.orchestrator.app.chaos;

import dev.orchestrator.app.broker.KraftCluster;
import dev.orchestrator.app.verify.Verifier;
import dev.orchestrator.app.verify.VerifyReport;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The fault runs of issue 4, each on its own out-of-process broker and engine JVMs, loopback only,
 * bounded in time. The short versions run in the test command; {@code orchestrator chaos} runs the
 * full ones. Each ends with {@code verify}.
 */
public final class Scenarios {
    /**
     * A killed member must leave the group quickly, and its open transaction be aborted soon (Streams' default
     * timeout is 10 s), for the runs to stay short.
     */
    private static final List<String> FAST_FAILOVER = List.of("kafka.main.consumer.session.timeout.ms=6000",
            "kafka.main.consumer.heartbeat.interval.ms=1000", "kafka.producer.transaction.timeout.ms=5000");

    private final Path root;
    private final PrintStream out;

    public Scenarios(final Path root, final PrintStream out) {
        this.root = root;
        this.out = out;
    }

    /**
     * Two engine JVMs share the work; one is SIGKILLed every {@code every} and restarted while
     * {@code demands} flow at {@code rate}/s. Money moves meanwhile (5 s settlement periods, slashes,
     * consumers without funds), so verify checks the books across the kills.
     */
    public ScenarioResult killNine(final int demands, final int rate, final Duration every) throws Exception {
        final List<String> settings = new ArrayList<>(FAST_FAILOVER);
        settings.addAll(List.of("application.id=chaos-kill-nine", "payments.enabled=true", "payments.period.ms=5000"));
        try (Rig rig = new Rig(root.resolve("kill-nine")); ChaosLoad load = new ChaosLoad(rig.bootstrap())) {
            rig.engine("a", settings);
            rig.engine("b", settings);
            rig.awaitRunning("a");
            rig.awaitRunning("b");
            rig.startExecutor();
            load.registerUnits(100, Math.max(100, demands * 3 / 100));
            load.moneyMoves(45);
            final Random random = new Random(9);
            final long started = System.nanoTime();
            int kills = 0;
            for (int d = 0; d < demands; d++) {
                if (d % 5 == 0) {
                    load.placeWithSla("d" + d, "c" + random.nextInt(50), 1 + random.nextInt(4));
                } else {
                    load.place("d" + d, "c" + random.nextInt(50), 1 + random.nextInt(4));
                }
                pace(d, rate, started);
                if (System.nanoTime() - started > (kills + 1) * every.toNanos()) {
                    final String victim = kills % 2 == 0 ? "a" : "b";
                    rig.kill(victim);
                    rig.engine(victim, settings);
                    kills++;
                    out.printf("\r[kill-nine] %,d of %,d demands sent, %d SIGKILLs", d + 1, demands, kills);
                }
            }
            load.flush();
            final long sentAt = System.nanoTime();
            out.printf("%n[kill-nine] all sent after %d kills; waiting for every decision%n", kills);
            final long decided = load.awaitDecisions(demands, Duration.ofSeconds(Math.max(180, demands / 100)));
            final double drain = (System.nanoTime() - sentAt) / 1e9;
            return result("kill-nine", rig, "chaos-kill-nine", started, String.format(
                    "%d kills; %,d of %,d decided; settled %.1f s after the last send", kills, decided, demands, drain),
                    List.of());
        }
    }

    /** The broker is SIGKILLed halfway through {@code demands} and restarted on the same data 3 s later. */
    public ScenarioResult brokerRestart(final int demands, final int rate) throws Exception {
        try (Rig rig = new Rig(root.resolve("broker-restart")); ChaosLoad load = new ChaosLoad(rig.bootstrap())) {
            rig.startOneEngine();
            load.registerUnits(20, Math.max(300, demands * 3 / 20));
            final Random random = new Random(4);
            final long started = System.nanoTime();
            double downSeconds = 0;
            for (int d = 0; d < demands; d++) {
                load.place("d" + d, "c" + random.nextInt(10), 1 + random.nextInt(4));
                pace(d, rate, started);
                if (d == demands / 2) {
                    load.flush();
                    out.printf("[broker-restart] SIGKILL to the broker after %,d demands%n", d + 1);
                    downSeconds = rig.killAndRestartBroker(Duration.ofSeconds(3));
                    out.printf("[broker-restart] broker back on the same data after %.1f s%n", downSeconds);
                }
            }
            load.flush();
            final long decided = load.awaitDecisions(demands, Duration.ofSeconds(Math.max(180, demands / 100)));
            final boolean alive = rig.alive("engine");
            return result("broker-restart", rig, "orchestrator", started, String.format("broker down %.1f s; engine %s; %,d of %,d "
                    + "decided", downSeconds, alive ? "rode it out" : "DIED", decided, demands), died(alive));
        }
    }

    /** 10% of {@code records} are poison (random bytes, unknown schema ids, valid Avro with invalid values). */
    public ScenarioResult poisonMix(final int records) throws Exception {
        try (Rig rig = new Rig(root.resolve("poison-mix")); ChaosLoad load = new ChaosLoad(rig.bootstrap())) {
            rig.startOneEngine();
            load.registerUnits(20, Math.max(500, records * 4 / 20));
            final Random random = new Random(5);
            final long started = System.nanoTime();
            int poison = 0;
            for (int d = 0; d < records; d++) {
                if (d % 10 == 0) {
                    load.poison("d" + d, poison++, random);
                } else {
                    load.place("d" + d, "c" + random.nextInt(20), 1 + random.nextInt(5));
                }
            }
            load.flush();
            // random bytes and unknown ids never reach a decision; invalid values are decided as REJECTED
            final long undecodable = poison - poison / 3;
            final long decided = load.awaitDecisions(records - undecodable, Duration.ofSeconds(Math.max(120, records / 100)));
            final boolean alive = rig.alive("engine");
            return result("poison-mix", rig, "orchestrator", started, String.format("%,d poison records; engine %s; %,d decided",
                    poison, alive ? "kept running" : "DIED", decided), died(alive));
        }
    }

    /** Two engines with one standby each; one is SIGKILLed and the time until {@code batch} new demands are all decided is measured. */
    public ScenarioResult failover(final int batch) throws Exception {
        final List<String> settings = new ArrayList<>(FAST_FAILOVER);
        settings.addAll(List.of("application.id=chaos-failover", "standby.replicas=1"));
        try (Rig rig = new Rig(root.resolve("failover")); ChaosLoad load = new ChaosLoad(rig.bootstrap())) {
            rig.engine("a", settings);
            rig.engine("b", settings);
            rig.awaitRunning("a");
            rig.awaitRunning("b");
            rig.startExecutor();
            load.registerUnits(20, Math.max(500, batch * 3 / 10));
            final long started = System.nanoTime();
            sendBatch(load, "warm", batch);
            if (load.awaitDecisions(batch, Duration.ofSeconds(90)) < batch) {
                throw new IllegalStateException("the warm-up batch was not decided before the kill");
            }
            rig.kill("a");
            final long killed = System.nanoTime();
            sendBatch(load, "after", batch);
            final long decided = load.awaitDecisions(2L * batch, Duration.ofSeconds(120));
            final double resumed = (System.nanoTime() - killed) / 1e9;
            return result("failover", rig, "chaos-failover", started, String.format(
                    "every partition decided again %.1f s after the kill (%,d of %,d decided)", resumed, decided, 2L * batch),
                    List.of());
        }
    }

    /**
     * Three brokers (replication 3, two in sync) and three engine JVMs with standbys: a third of the
     * way through {@code demands} one broker is stopped for 5 s and started again while demands
     * flow; two thirds through, one engine is SIGKILLed and the time until decisions and reads
     * resume is measured, then it is restarted.
     */
    public ScenarioResult multiBroker(final int demands, final int rate) throws Exception {
        final List<String> settings = new ArrayList<>(FAST_FAILOVER);
        settings.addAll(List.of("application.id=chaos-multi-broker", "standby.replicas=1", "topic.replication.factor=3",
                "kafka.topic.min.insync.replicas=2"));
        final Path dir = root.resolve("multi-broker");
        java.nio.file.Files.createDirectories(dir);
        out.printf("[multi-broker] starting 3 KRaft brokers in this JVM (log: %s) and 3 engine JVMs%n", dir.resolve("brokers.log"));
        try (BrokerLogFile brokerLog = BrokerLogFile.redirect(dir.resolve("brokers.log"));
             KraftCluster cluster = KraftCluster.start(dir.resolve("cluster"), 3, 3, 2);
             Rig rig = new Rig(dir, cluster); ChaosLoad load = new ChaosLoad(rig.bootstrap())) {
            final List<String> engines = List.of("a", "b", "c");
            for (final String engine : engines) {
                rig.engine(engine, settings);
            }
            for (final String engine : engines) {
                rig.awaitRunning(engine);
            }
            rig.startExecutor();
            load.registerUnits(30, Math.max(300, demands * 3 / 30));
            final Random random = new Random(14);
            final long started = System.nanoTime();
            // seconds the clean stop took, and from the start of the stop until the broker was back
            final double[] brokerDown = {0, 0};
            Thread brokerFault = null;
            String measured = "";
            for (int d = 0; d < demands; d++) {
                load.place("d" + d, "c" + random.nextInt(40), 1 + random.nextInt(4));
                pace(d, rate, started);
                if (d == demands / 3) {
                    // the broker stops and starts beside the load, which goes on meanwhile
                    brokerFault = new Thread(() -> {
                        final long stopping = System.nanoTime();
                        cluster.stop(2);
                        brokerDown[0] = (System.nanoTime() - stopping) / 1e9;
                        sleep(Duration.ofSeconds(5));
                        cluster.start(2);
                        brokerDown[1] = (System.nanoTime() - stopping) / 1e9;
                    }, "chaos-broker-fault");
                    brokerFault.start();
                    out.printf("[multi-broker] broker 2 stopped after %,d demands%n", d + 1);
                }
                if (d == 2 * demands / 3) {
                    brokerFault.join();
                    out.printf("[multi-broker] broker 2 back %.1f s after its stop began; SIGKILL to engine c after %,d demands%n",
                            brokerDown[1], d + 1);
                    measured = killAndTimeResume(rig, load, d + 1);
                    rig.engine("c", settings);
                }
            }
            load.flush();
            final long decided = load.awaitDecisions(demands + PROBES, Duration.ofSeconds(Math.max(180, demands / 50)));
            return result("multi-broker", rig, "chaos-multi-broker", started, String.format(
                    "broker 2 stopped cleanly in %.1f s, down 5 s, back after %.1f s; %s; %,d of %,d decided", brokerDown[0],
                    brokerDown[1], measured, decided, demands + PROBES),
                    List.of());
        }
    }

    /** Demands sent right after the engine's SIGKILL, whose decisions time the takeover. */
    private static final int PROBES = 60;

    /** SIGKILLs engine c and times how long until every demand sent so far is decided and reads answer on a. */
    private String killAndTimeResume(final Rig rig, final ChaosLoad load, final int sent) throws Exception {
        final List<String> sample = new ArrayList<>();
        for (int d = 0; d < 30; d++) {
            sample.add("d" + d * (sent / 30));
        }
        final QueryProbe probe = new QueryProbe(sample);
        final int port = rig.httpPort("a");
        if (probe.secondsUntilAnswered(port, System.nanoTime(), Duration.ofSeconds(60)) < 0) {
            throw new IllegalStateException("the sampled demands did not read 200 on engine a before the kill");
        }
        rig.kill("c");
        final long killed = System.nanoTime();
        for (int p = 0; p < PROBES; p++) {
            load.place("probe" + p, "c" + p % 40, 1);
        }
        load.flush();
        final double[] reads = {-1};
        final Thread reader = new Thread(() -> {
            try {
                reads[0] = probe.secondsUntilAnswered(port, killed, Duration.ofSeconds(120));
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "chaos-query-probe");
        reader.start();
        final long decided = load.awaitDecisions(sent + PROBES, Duration.ofSeconds(120));
        final double decisions = (System.nanoTime() - killed) / 1e9;
        reader.join();
        if (decided < sent + PROBES) {
            return String.format("engine c SIGKILLed: only %,d of %,d decided within 120 s", decided, sent + PROBES);
        }
        return String.format("engine c SIGKILLed: decisions resumed in %.1f s, reads in %s", decisions,
                reads[0] < 0 ? "more than 120 s" : String.format("%.1f s", reads[0]));
    }

    private static void sleep(final Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sendBatch(final ChaosLoad load, final String prefix, final int batch) {
        for (int d = 0; d < batch; d++) {
            load.place(prefix + d, "c" + d % 30, 1);
        }
        load.flush();
    }

    private static List<String> died(final boolean alive) {
        return alive ? List.of() : List.of("the engine process died");
    }

    private ScenarioResult result(final String name, final Rig rig, final String applicationId, final long started,
                                  final String measured, final List<String> problems) throws InterruptedException {
        // a finished run: the engines and the executor stop cleanly first, so verify reads output nothing still adds to
        rig.stopEngines();
        out.printf("[%s] verifying the committed output%n", name);
        final VerifyReport report = new Verifier(ChaosLoad.topics(), rig.bootstrap(), Map.of(), 0).forApplication(applicationId)
                .verify();
        final List<String> violations = new ArrayList<>(problems);
        report.violations().forEach(v -> violations.add(v.toString()));
        // the books' line says what money moved, when it did
        final String books = report.notes().stream().filter(n -> n.startsWith("books:") && !n.startsWith("books: 0 movements"))
                .findFirst().map(n -> "; " + n).orElse("");
        final ScenarioResult result = new ScenarioResult(name, report.demands(), report.decisions(), report.deadLetters(),
                violations, (System.nanoTime() - started) / 1e9, measured + books);
        out.printf("[%s] %s; verify: %s%n", name, result.measured(), result.passed() ? "passed" : violations.size() + " violations");
        return result;
    }

    /** Open-loop pacing at {@code rate} demands per second; 0 sends as fast as the producer can. */
    private static void pace(final int sent, final int rate, final long started) throws InterruptedException {
        if (rate <= 0) {
            return;
        }
        final long due = started + (long) ((sent + 1) * 1e9 / rate);
        final long wait = due - System.nanoTime();
        if (wait > 1_000_000) {
            Thread.sleep(wait / 1_000_000);
        }
    }
}
