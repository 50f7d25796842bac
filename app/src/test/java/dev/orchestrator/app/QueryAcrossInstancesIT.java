package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestrator.app.chaos.ChaosLoad;
import dev.orchestrator.app.config.ConfigLoader;
import dev.orchestrator.app.config.OrchestratorConfig;
import dev.orchestrator.testing.TestKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's cross-instance reads on a real broker: a key owned by B asked at A returns B's data, a
 * list gathers both instances, and when B dies A answers 503 with Retry-After (or the standby's copy
 * when asked for stale data) until the rebalance hands it B's partitions. Reads need a client token;
 * forwarded reads succeed only because the instances send each other the peer token.
 */
class QueryAcrossInstancesIT {
    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();
    private static final int DEMANDS = 120;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Reads need this token; the instances forward with their own, so a client's token never travels on. */
    private static final String CLIENT_TOKEN = "client-secret";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void readsForwardListsGatherAndADeadOwnerIsReportedThenReplaced() throws Exception {
        try (Instance a = Instance.start(config("a")); Instance b = Instance.start(config("b"));
             ChaosLoad load = new ChaosLoad(KAFKA.bootstrapServers())) {
            assertThat(InstanceIT.awaitReady(a.httpPort(), Duration.ofSeconds(60))).isEqualTo(200);
            assertThat(InstanceIT.awaitReady(b.httpPort(), Duration.ofSeconds(60))).isEqualTo(200);
            load.registerUnits(10, 500);
            Thread.sleep(2_000);
            for (int d = 0; d < DEMANDS; d++) {
                load.place("d" + d, "c" + d % 12, 1);
            }
            load.flush();
            assertThat(load.awaitDecisions(DEMANDS, Duration.ofSeconds(90))).isEqualTo(DEMANDS);

            final String atB = "127.0.0.1:" + b.httpPort();
            String demandOfB = null;
            for (int d = 0; d < DEMANDS && demandOfB == null; d++) {
                // a demand is decided where it arrives (its id's partition), and ChaosLoad's fleet fits there
                if (a.ownerOf("d" + d).equals(atB)) {
                    demandOfB = "d" + d;
                }
            }
            assertThat(demandOfB).as("some consumer's partition is on B").isNotNull();

            // a key owned by B, asked at A, returns B's data
            final HttpResponse<String> forwarded = get(a, "/v1/demands/" + demandOfB);
            assertThat(forwarded.statusCode()).as(forwarded.body()).isEqualTo(200);
            final JsonNode demand = JSON.readTree(forwarded.body());
            assertThat(demand.path("demandId").asText()).isEqualTo(demandOfB);
            assertThat(demand.path("status").asText()).isIn("PLACED", "ACTIVE");
            assertThat(demand.path("stale").asBoolean()).isFalse();
            assertThat(JSON.readTree(get(a, "/v1/demands/" + demandOfB + "/explain").body()).path("candidates")).isNotEmpty();

            // the instance-to-instance routes take the peer token only: a client's token does not open them
            assertThat(get(b, "/internal/v1/units/u0").statusCode()).isEqualTo(401);

            // a list gathers from both instances, a page at a time
            int listed = 0;
            String cursor = "";
            do {
                final JsonNode page = JSON.readTree(get(a, "/v1/allocations?limit=50" + (cursor.isEmpty() ? "" : "&cursor=" + cursor)).body());
                listed += page.path("items").size();
                cursor = page.path("next").isTextual() ? page.path("next").asText() : "";
            } while (!cursor.isEmpty());
            assertThat(listed).isEqualTo(DEMANDS);

            // stacks: created through A, each held by whichever instance owns its key, read and listed through both
            final List<String> stacks = List.of("s-a", "s-b", "s-c", "s-d", "s-e", "s-f");
            for (final String stack : stacks) {
                final HttpResponse<String> created = send(a, "POST", "/v1/stacks", JSON.writeValueAsString(Map.of("id", stack,
                        "consumerId", "c1", "template", "resources:\n  disk: {type: orchestrator::storage, properties: {size: 1 GB}}\n")));
                assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
            }
            for (final String stack : stacks) {
                for (final Instance at : List.of(a, b)) {
                    final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    HttpResponse<String> read = get(at, "/v1/stacks/" + stack);
                    while (read.statusCode() == 404 && System.nanoTime() < deadline) {
                        Thread.sleep(200);
                        read = get(at, "/v1/stacks/" + stack);
                    }
                    assertThat(read.statusCode()).as(stack + ": " + read.body()).isEqualTo(200);
                    assertThat(JSON.readTree(read.body()).path("id").asText()).isEqualTo(stack);
                }
            }
            for (final Instance at : List.of(a, b)) {
                final List<String> listedStacks = new java.util.ArrayList<>();
                JSON.readTree(get(at, "/v1/stacks").body()).forEach(s -> listedStacks.add(s.path("id").asText()));
                assertThat(listedStacks).as("gathered from both instances").containsExactlyElementsOf(stacks);
            }

            // bad parameters are refused with the offending field; unknown things are 404
            for (final String[] bad : new String[][] {{"/v1/allocations?limit=0", "limit"}, {"/v1/allocations?limit=abc", "limit"},
                    {"/v1/allocations?limit=501", "limit"}, {"/v1/units?cursor=%25%25", "cursor"},
                    {"/v1/allocations?status=SHIPPED", "status"}, {"/v1/demands/" + demandOfB + "?stale=maybe", "stale"}}) {
                final HttpResponse<String> refused = get(a, bad[0]);
                assertThat(refused.statusCode()).as(bad[0]).isEqualTo(400);
                assertThat(JSON.readTree(refused.body()).path("field").asText()).as(bad[0]).isEqualTo(bad[1]);
            }
            assertThat(get(a, "/v1/demands/no-such-demand").statusCode()).isEqualTo(404);
            assertThat(get(a, "/v1/units/no-such-unit").statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(get(a, "/v1/units/u0").body()).path("allocations")).isNotEmpty();
            assertThat(JSON.readTree(get(b, "/v1/pools").body()).path("pools").get(0).path("units").asInt()).isEqualTo(10);

            // Prometheus text with Kafka Streams' own metrics and the timings of the requests above
            final HttpResponse<String> metrics = get(a, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            assertThat(metrics.body()).contains("kafka_stream_", "jvm_memory_used_bytes")
                    .contains("http_server_requests_seconds_count{method=\"GET\",status=\"200\",uri=\"/v1/demands/{id}\"}");
            // the Grafana dashboard shipped in deploy/ plots only series an instance exports
            final String dashboard = Files.readString(Path.of("..", "deploy", "grafana", "orchestrator-dashboard.json"));
            final java.util.regex.Matcher series = java.util.regex.Pattern.compile("\\b(?:kafka|jvm|http|process)_[a-z_]+").matcher(dashboard);
            final Set<String> plotted = new java.util.TreeSet<>();
            while (series.find()) {
                plotted.add(series.group());
            }
            assertThat(plotted).hasSizeGreaterThan(8);
            // GC pause timers exist from the first pause on: make one, then give the notification a moment
            System.gc();
            String scraped = get(a, "/metrics").body();
            for (int attempt = 0; attempt < 50; attempt++) {
                final String now = scraped;
                if (plotted.stream().allMatch(n -> hasSeries(now, n))) {
                    break;
                }
                Thread.sleep(100);
                scraped = get(a, "/metrics").body();
            }
            for (final String name : plotted) {
                assertThat(scraped).as("dashboard series %s", name).containsPattern("(?m)^" + name + "[{ ]");
            }

            // B dies without leaving the group: its partitions have no live owner until the session times out
            b.crash();
            final HttpResponse<String> gone = get(a, "/v1/demands/" + demandOfB);
            assertThat(gone.statusCode()).as(gone.body()).isEqualTo(503);
            assertThat(gone.headers().firstValue("Retry-After")).isPresent();
            assertThat(JSON.readTree(gone.body()).path("code").asText()).isEqualTo("UNAVAILABLE");
            final HttpResponse<String> stale = get(a, "/v1/demands/" + demandOfB + "?stale=true");
            assertThat(stale.statusCode()).as(stale.body()).isEqualTo(200);
            assertThat(JSON.readTree(stale.body()).path("stale").asBoolean()).isTrue();

            // after the rebalance A owns everything and answers fresh
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            HttpResponse<String> fresh = get(a, "/v1/demands/" + demandOfB);
            while (fresh.statusCode() != 200 && System.nanoTime() < deadline) {
                Thread.sleep(500);
                fresh = get(a, "/v1/demands/" + demandOfB);
            }
            assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(200);
            assertThat(JSON.readTree(fresh.body()).path("stale").asBoolean()).isFalse();
        }
    }

    private HttpResponse<String> send(final Instance instance, final String method, final String path, final String body)
            throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.httpPort() + path))
                .header("Authorization", "Bearer " + CLIENT_TOKEN).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(15)).method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(final Instance instance, final String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.httpPort() + path))
                .header("Authorization", "Bearer " + CLIENT_TOKEN).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private OrchestratorConfig config(final String name) {
        return ConfigLoader.load(Optional.empty(), Map.of(), Map.ofEntries(
                Map.entry("bootstrap.servers", KAFKA.bootstrapServers()), Map.entry("http.port", "0"), Map.entry("http.host", "127.0.0.1"),
                Map.entry("state.dir", dir.resolve(name).toString()), Map.entry("application.id", "query-it"),
                Map.entry("standby.replicas", "1"), Map.entry("kafka.main.consumer.session.timeout.ms", "6000"),
                Map.entry("kafka.main.consumer.heartbeat.interval.ms", "1000"), Map.entry("http.token", CLIENT_TOKEN),
                Map.entry("http.peer.token", "peer-secret"), Map.entry("http.token.reads", "true")),
                ConfigLoader.Mode.RUN);
    }

    private static boolean hasSeries(final String scrape, final String name) {
        return java.util.regex.Pattern.compile("(?m)^" + name + "[{ ]").matcher(scrape).find();
    }
}
