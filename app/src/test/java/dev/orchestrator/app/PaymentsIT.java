package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestrator.app.demo.SimulatedExecutor;
import dev.orchestrator.avro.Payment;
import dev.orchestrator.testing.TestKafka;
import dev.orchestrator.topology.money.Books;
import dev.orchestrator.topology.payments.PaymentRecords;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 15's money over HTTP on a real broker and a running instance with payments on (3 s
 * periods): the bad-input table for the new routes, deposits and stakes, a placement's escrow
 * locked and released, a slash for a breached SLA and its reversal (once: the second is 409), a
 * consumer without funds released, and the books of everything on payments.v1 balanced.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PaymentsIT {
    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();
    private static final String TOKEN = "pay-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A valid account address (the Stellar SDK's own test vector). */
    private static final String ADDRESS = "GCZHXL5HXQX5ABDM26LHYRCQZ5OJFHLOPLZX47WEBP3V2PF5AVFK2A5D";

    @TempDir
    static Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ApiClient api = new ApiClient(() -> this.instance.httpPort(), TOKEN, Duration.ofSeconds(60));
    private EngineWithExecutor engine;
    private Instance instance;
    private SimulatedExecutor executor;

    @BeforeAll
    void start() throws Exception {
        engine = EngineWithExecutor.start(KAFKA, dir.resolve("state"), "payments-it", TOKEN,
                Map.of("payments.enabled", "true", "payments.period.ms", "3000", "payments.fee.bp", "500"));
        instance = engine.instance();
        executor = engine.executor();
    }

    @AfterAll
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                row("malformed amount", "/v1/consumers/c/deposits", "{\"amount\": \"12,5\", \"currency\": \"USD\"}", 400, "INVALID_FIELD", "amount"),
                row("amount as a number", "/v1/consumers/c/deposits", "{\"amount\": 12.5, \"currency\": \"USD\"}", 400, "INVALID_FIELD", "amount"),
                row("exponent", "/v1/consumers/c/deposits", "{\"amount\": \"1e9\", \"currency\": \"USD\"}", 400, "INVALID_FIELD", "amount"),
                row("more than 7 decimals", "/v1/consumers/c/deposits", "{\"amount\": \"1.00000001\", \"currency\": \"USD\"}", 400, "INVALID_FIELD", "amount"),
                row("negative deposit", "/v1/consumers/c/deposits", "{\"amount\": \"-5\", \"currency\": \"USD\"}", 400, "INVALID_FIELD", "amount"),
                row("zero stake", "/v1/providers/p/stake", "{\"amount\": \"0\", \"currency\": \"USD\"}", 400, "INVALID_FIELD", "amount"),
                row("absurd amount", "/v1/consumers/c/deposits", "{\"amount\": \"99999999999999999999\", \"currency\": \"USD\"}", 400, "INVALID_FIELD", "amount"),
                row("unknown currency", "/v1/consumers/c/deposits", "{\"amount\": \"5\", \"currency\": \"DOGE\"}", 400, "INVALID_FIELD", "currency"),
                row("no currency", "/v1/consumers/c/deposits", "{\"amount\": \"5\"}", 400, "INVALID_FIELD", "currency"),
                row("invalid Stellar address", "/v1/consumers/c/deposits", "{\"amount\": \"5\", \"currency\": \"USD\", \"stellarAddress\": \""
                        + ADDRESS.substring(0, 55) + "B\"}", 400, "INVALID_FIELD", "stellarAddress"),
                row("secret seed for an address", "/v1/providers/p/stake", "{\"amount\": \"5\", \"currency\": \"USD\", \"stellarAddress\": \"S"
                        + ADDRESS.substring(1) + "\"}", 400, "INVALID_FIELD", "stellarAddress"),
                row("unknown field", "/v1/consumers/c/deposits", "{\"amount\": \"5\", \"currency\": \"USD\", \"memo\": \"x\"}", 400, "UNKNOWN_FIELD", "memo"),
                row("reversing an unknown payment", "/v1/payments/nope/reverse", "", 404, "NOT_FOUND", null),
                new Arguments[] {Arguments.of("missing token", "/v1/consumers/c/deposits", "{\"amount\": \"5\", \"currency\": \"USD\"}",
                        null, 401, "UNAUTHORIZED", "Authorization")},
                new Arguments[] {Arguments.of("missing token on a reversal", "/v1/payments/x/reverse", "", null, 401, "UNAUTHORIZED",
                        "Authorization")}
        ).flatMap(Stream::of);
    }

    private static Arguments[] row(final String name, final String path, final String body, final int status, final String code,
                                   final String field) {
        return new Arguments[] {Arguments.of(name, path, body, "Bearer " + TOKEN, status, code, field)};
    }

    @Order(1)
    @ParameterizedTest(name = "{0} -> {4} {5}")
    @MethodSource("badRequests")
    void aBadMoneyRequestGetsItsStatusCodeAndField(final String name, final String path, final String body,
                                                   final String authorization, final int status, final String code,
                                                   final String field) throws Exception {
        ApiClient.assertRefused(http, "http://127.0.0.1:" + instance.httpPort() + path, "POST", "application/json", body,
                authorization, status, code, field);
    }

    @Order(2)
    @Test
    void nothingReachedTheFundsTopicFromTheRefusedRequests() throws Exception {
        assertThat(payments()).isEmpty();
        assertThat(api.send("GET", "/v1/consumers/c/account", null).statusCode()).isEqualTo(404);
    }

    @Order(3)
    @Test
    void escrowIsLockedReleasedSlashedAndReversedOnce() throws Exception {
        accepted("POST", "/v1/data-units", """
                {"dataUnitId": "u-1", "providerId": "p-1", "kind": "STORAGE", "region": "eu-west", "capacity": {"storage": "1000 GB"},
                 "pricePerHour": {"amount": "36", "currency": "USD"}}""");
        accepted("POST", "/v1/slas", "{\"slaId\": \"gold\", \"maxLatencyMillis\": 50, \"minAvailability\": 0.9, "
                + "\"penaltyPercent\": 50, \"windowMillis\": 60000}");
        accepted("POST", "/v1/consumers/team-a/deposits", "{\"amount\": \"100\", \"currency\": \"USD\", \"requestId\": \"dep-1\", "
                + "\"stellarAddress\": \"" + ADDRESS + "\"}");
        accepted("POST", "/v1/consumers/team-a/deposits", "{\"amount\": \"100\", \"currency\": \"USD\", \"requestId\": \"dep-1\"}");
        accepted("POST", "/v1/providers/p-1/stake", "{\"amount\": \"20\", \"currency\": \"USD\"}");
        final JsonNode account = api.poll("/v1/consumers/team-a/account", a -> a.path("deposited").asText().equals("100"));
        assertThat(account.path("available").asText()).as("a repeated request id deposits once").isEqualTo("100");
        api.poll("/v1/units/u-1", u -> true);

        accepted("POST", "/v1/demands", "{\"demandId\": \"w-1\", \"consumerId\": \"team-a\", \"resources\": {\"storage\": \"100 GB\"}, "
                + "\"slaId\": \"gold\"}");
        final JsonNode locked = api.poll("/v1/payments?allocation=w-1&state=LOCKED", p -> p.path("count").asInt() >= 1);
        assertThat(locked.path("items").get(0).path("amount").asText()).isNotEqualTo("0");
        // the period ends after 3 s: the provider is paid less the 5% fee, and the next period is locked
        final JsonNode released = api.poll("/v1/payments?allocation=w-1&state=RELEASED", p -> p.path("count").asInt() >= 1);
        assertThat(released.path("items").get(0).path("providerId").asText()).isEqualTo("p-1");
        api.poll("/v1/providers/p-1/earnings", e -> !e.path("released").asText().equals("0"));

        // the unit breaks the SLA: the stake pays the consumer
        api.poll("/v1/demands/w-1", d -> d.path("status").asText().equals("ACTIVE"));
        for (int i = 0; i < 10; i++) {
            accepted("POST", "/v1/telemetry", "{\"dataUnitId\": \"u-1\", \"latencyMillis\": 400}");
        }
        final JsonNode slashes = api.poll("/v1/payments?allocation=w-1&state=SLASHED", p -> p.path("count").asInt() >= 1);
        final JsonNode slash = slashes.path("items").get(0);
        assertThat(slash.path("reason").asText()).isEqualTo("SLA_BREACH");
        api.poll("/v1/providers/p-1/earnings", e -> e.path("breaches").asInt() == 1 && !e.path("slashed").asText().equals("0"));

        final String reverse = "/v1/payments/" + java.net.URLEncoder.encode(slash.path("paymentId").asText(),
                java.nio.charset.StandardCharsets.UTF_8) + "/reverse";
        assertThat(api.send("POST", reverse, "").statusCode()).isEqualTo(202);
        final HttpResponse<String> again = api.send("POST", reverse, "");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
        assertThat(JSON.readTree(again.body()).path("code").asText()).isEqualTo("ALREADY_REVERSED");
        final JsonNode earnings = api.poll("/v1/providers/p-1/earnings", e -> e.path("slashed").asText().equals("0"));
        assertThat(earnings.path("stake").asText()).isEqualTo("20");
        final HttpResponse<String> late = api.send("POST", reverse, "");
        assertThat(late.statusCode()).as("after the ledger applied it").isEqualTo(409);
        final HttpResponse<String> notASlash = api.send("POST", "/v1/payments/" + java.net.URLEncoder.encode(
                locked.path("items").get(0).path("paymentId").asText(), java.nio.charset.StandardCharsets.UTF_8) + "/reverse", "");
        assertThat(notASlash.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(notASlash.body()).path("code").asText()).isEqualTo("NOT_A_SLASH");
    }

    @Order(4)
    @Test
    void aConsumerWithoutFundsIsRejectedAndOneWithTooLittleIsReleased() throws Exception {
        accepted("POST", "/v1/demands", "{\"demandId\": \"broke-1\", \"consumerId\": \"team-broke\", "
                + "\"resources\": {\"storage\": \"10 GB\"}}");
        final JsonNode rejected = api.poll("/v1/demands/broke-1", d -> d.path("status").asText().equals("REJECTED"));
        assertThat(rejected.path("reason").asText()).as(rejected.toString()).isEqualTo("INSUFFICIENT_FUNDS");

        accepted("POST", "/v1/consumers/team-poor/deposits", "{\"amount\": \"0.000001\", \"currency\": \"USD\"}");
        api.poll("/v1/consumers/team-poor/account", a -> a.path("deposited").asText().equals("0.000001"));
        accepted("POST", "/v1/demands", "{\"demandId\": \"poor-1\", \"consumerId\": \"team-poor\", "
                + "\"resources\": {\"storage\": \"500 GB\"}}");
        api.poll("/v1/payments?allocation=poor-1&state=LOCK_REFUSED", p -> p.path("count").asInt() == 1);
        final JsonNode demand = api.poll("/v1/demands/poor-1", d -> d.path("status").asText().equals("RELEASED"));
        assertThat(demand.path("status").asText()).isEqualTo("RELEASED");
    }

    @Order(5)
    @Test
    void theBooksOfEverythingOnPaymentsBalance() {
        final List<Payment> all = payments();
        assertThat(all).hasSizeGreaterThan(5);
        final Books books = new Books();
        all.stream().sorted(java.util.Comparator.comparingLong(Payment::getSequence)).map(PaymentRecords::movement)
                .filter(java.util.Objects::nonNull).forEach(books::apply);
        assertThat(books.problems()).isEmpty();
        assertThat(books.accountedFor()).isEqualTo(books.cameIn());
        assertThat(books.cameIn()).isEqualTo(120_000_001L);

        final dev.orchestrator.app.verify.VerifyReport report = new dev.orchestrator.app.verify.Verifier(instance.topics(),
                KAFKA.bootstrapServers(), Map.of(), 0).verify();
        assertThat(report.violations()).filteredOn(v -> v.invariant() == 6).isEmpty();
        assertThat(report.notes()).anySatisfy(note -> assertThat(note).startsWith("books: ").endsWith("0 created or lost"));
    }

    private void accepted(final String method, final String path, final String body) throws Exception {
        final HttpResponse<String> answer = api.send(method, path, body);
        assertThat(answer.statusCode()).as(path + " " + answer.body()).isEqualTo(202);
    }

    private List<Payment> payments() {
        final var topic = instance.topics().payments;
        final Map<String, Object> config = new java.util.HashMap<>(KAFKA.clientConfig());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "payments-it-" + System.nanoTime());
        final List<Payment> out = new ArrayList<>();
        try (KafkaConsumer<String, Payment> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                topic.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topic.name()));
            final long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline) {
                for (final ConsumerRecord<String, Payment> record : consumer.poll(Duration.ofMillis(300))) {
                    out.add(record.value());
                }
            }
        }
        return out;
    }
}
