package dev.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.api.ingest.WriteRoutes;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that send their bodies a byte at a time cannot take the API from everyone else: health
 * probes and reads answer while 50 of them are connected, each slow body is cut off at its deadline
 * (408) or refused at once when too many are being received (503), and absurd numbers are refused
 * before any arithmetic.
 */
class SlowClientsTest {
    private static final int SLOW_CLIENTS = 50;
    private final Javalin app = HttpApi.builder(() -> new dev.orchestrator.api.health.ReadinessReport(true, "RUNNING"))
            .writes(WriteRoutesTest.routes(new ArrayList<>(), new AtomicBoolean(),
                    new WriteRoutes.BodyLimits(8, Duration.ofSeconds(3))))
            .threads(16).build().start("127.0.0.1", 0);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void stop() {
        app.stop();
    }

    @Test
    void healthAnswersWhileFiftyClientsDripTheirBodies() throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(SLOW_CLIENTS);
        final List<Future<Integer>> slow = new ArrayList<>();
        for (int i = 0; i < SLOW_CLIENTS; i++) {
            slow.add(pool.submit(() -> dripOneByteEvery400Millis(app, "/v1/demands")));
        }
        Thread.sleep(500);

        final long[] millis = new long[20];
        for (int i = 0; i < millis.length; i++) {
            final long start = System.nanoTime();
            final HttpResponse<String> live = http.send(HttpRequest.newBuilder(URI.create(base() + "/health/live"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            millis[i] = (System.nanoTime() - start) / 1_000_000;
            assertThat(live.statusCode()).isEqualTo(200);
            Thread.sleep(50);
        }
        Arrays.sort(millis);

        assertThat(millis[millis.length / 2]).as("median /health/live ms while slow clients hold bodies").isLessThan(100);
        final List<Integer> statuses = new ArrayList<>();
        for (final Future<Integer> client : slow) {
            statuses.add(client.get());
        }
        pool.shutdownNow();
        // at most 8 bodies are received at once; the rest are told to come back, the 8 are cut off
        assertThat(statuses).allSatisfy(s -> assertThat(s).isIn(408, 503, -1));
        assertThat(statuses).filteredOn(s -> s == 503).hasSizeGreaterThanOrEqualTo(SLOW_CLIENTS - 8);
    }

    @Test
    void moneyWritesCutSlowBodiesOffAsEveryWriteDoes() throws Exception {
        final List<WriteRoutesTest.Published> published = new ArrayList<>();
        final WriteRoutes writes = fourBodiesForThreeSeconds(published);
        final Javalin money = HttpApi.builder(() -> new dev.orchestrator.api.health.ReadinessReport(true, "RUNNING"))
                .writes(writes).payments(new dev.orchestrator.api.payments.PaymentRoutes(WriteRoutesTest.topics(),
                        WriteRoutesTest.publisher(published, new AtomicBoolean()), writes, null, null,
                        new com.fasterxml.jackson.databind.ObjectMapper(), "USD", java.time.Clock.systemUTC()))
                .threads(16).build().start("127.0.0.1", 0);
        // the two money routes that read a body (a slash reversal reads none and answers at once)
        cutsSlowBodiesOff(money, List.of("/v1/consumers/c1/deposits", "/v1/providers/p1/stake"), published);
    }

    @Test
    void stackWritesCutSlowBodiesOffAsEveryWriteDoes() throws Exception {
        final List<WriteRoutesTest.Published> published = new ArrayList<>();
        final WriteRoutes writes = fourBodiesForThreeSeconds(published);
        final Javalin stacks = HttpApi.builder(() -> new dev.orchestrator.api.health.ReadinessReport(true, "RUNNING"))
                .writes(writes).stacks(new dev.orchestrator.api.stacks.StackRoutes(WriteRoutesTest.topics(),
                        WriteRoutesTest.publisher(published, new AtomicBoolean()), writes, null, null,
                        new com.fasterxml.jackson.databind.ObjectMapper(), java.time.Clock.systemUTC()))
                .threads(16).build().start("127.0.0.1", 0);
        // a stack create reads its body (up to a 256 KiB template) before anything else
        cutsSlowBodiesOff(stacks, List.of("/v1/stacks"), published);
    }

    /** Write routes that read at most 4 bodies at once, each within 3 s, recording what they publish. */
    private static WriteRoutes fourBodiesForThreeSeconds(final List<WriteRoutesTest.Published> published) {
        return WriteRoutesTest.routes(published, new AtomicBoolean(), new WriteRoutes.BodyLimits(4, Duration.ofSeconds(3)));
    }

    /** 12 clients drip bodies to {@code paths} a byte every 400 ms: health answers, at most 4 are read, all are cut off. */
    private void cutsSlowBodiesOff(final Javalin app, final List<String> paths, final List<WriteRoutesTest.Published> published)
            throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            final List<Future<Integer>> slow = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                final String path = paths.get(i % paths.size());
                slow.add(pool.submit(() -> dripOneByteEvery400Millis(app, path)));
            }
            Thread.sleep(500);
            final HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                    + "/health/live")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).as("health answers while slow bodies drip").isEqualTo(200);
            final List<Integer> statuses = new ArrayList<>();
            for (final Future<Integer> client : slow) {
                statuses.add(client.get());
            }
            // at most 4 bodies are received at once and cut off at 3 s; the rest are told to come back
            assertThat(statuses).allSatisfy(s -> assertThat(s).isIn(408, 503, -1));
            assertThat(statuses).filteredOn(s -> s == 503).hasSizeGreaterThanOrEqualTo(12 - 4);
            assertThat(published).as("nothing half-received was published").isEmpty();
        } finally {
            pool.shutdownNow();
            app.stop();
        }
    }

    @Test
    void absurdExponentsAreRefusedBeforeAnyArithmetic() throws Exception {
        // the first request loads the JSON and validation classes: not what is measured
        post("{\"consumerId\": \"a\", \"resources\": {\"storage\": \"1 GB\"}}");
        for (final String amount : List.of("1e60000000", "1e-60000000", "-1e60000000", "123456789012345678901234567890")) {
            final String body = "{\"consumerId\": \"a\", \"resources\": {\"storage\": \"1 GB\"}, \"maxPricePerHour\": {\"amount\": "
                    + amount + ", \"currency\": \"USD\"}}";
            final long start = System.nanoTime();
            final HttpResponse<String> answer = post(body);
            final long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(answer.statusCode()).as(amount + ": " + answer.body()).isEqualTo(400);
            assertThat(answer.body()).contains("maxPricePerHour.amount");
            // it took 16-23 s of CPU before: judged from precision and scale alone now
            assertThat(millis).as(amount).isLessThan(100);
        }
    }

    /** Sends a POST to {@code path} whose 1,000-byte body comes one byte every 400 ms; returns the status, or -1 if cut off without one. */
    private static int dripOneByteEvery400Millis(final Javalin app, final String path) throws IOException, InterruptedException {
        try (Socket socket = new Socket("127.0.0.1", app.port())) {
            socket.setSoTimeout(15_000);
            final OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            final InputStream in = socket.getInputStream();
            for (int i = 0; i < 1000; i++) {
                try {
                    out.write(' ');
                    out.flush();
                } catch (final IOException closed) {
                    break;
                }
                if (in.available() > 0) {
                    break;
                }
                Thread.sleep(400);
            }
            final byte[] head = in.readNBytes(12);
            return head.length < 12 ? -1 : Integer.parseInt(new String(head, StandardCharsets.US_ASCII).substring(9, 12));
        } catch (final java.net.SocketException reset) {
            return -1;
        }
    }

    private HttpResponse<String> post(final String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base() + "/v1/demands")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String base() {
        return "http://127.0.0.1:" + app.port();
    }
}
