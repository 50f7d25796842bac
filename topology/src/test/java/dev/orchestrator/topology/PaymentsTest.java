package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.FundsRequest;
import dev.orchestrator.avro.FundsRequestType;
import dev.orchestrator.avro.Payment;
import dev.orchestrator.avro.PaymentKind;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.avro.Sla;
import dev.orchestrator.topology.money.Books;
import dev.orchestrator.topology.money.PaymentTerms;
import dev.orchestrator.topology.payments.LedgerInput;
import dev.orchestrator.topology.payments.PaymentRecords;
import dev.orchestrator.topology.payments.PaymentSettings;
import dev.orchestrator.topology.serde.InternalSerde;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pay stage in the whole topology: funds in through funds.v1, the engine telling the ledger of
 * placements, ends and breaches, periods ending by the wall clock, and every movement on payments.v1
 * with the books balanced.
 */
class PaymentsTest {
    /** A valid account address (the Stellar SDK's own test vector). */
    static final String ADDRESS = "GCZHXL5HXQX5ABDM26LHYRCQZ5OJFHLOPLZX47WEBP3V2PF5AVFK2A5D";
    private static final long MINUTE = 60_000;

    private final EngineHarness engine = new EngineHarness(EngineSettings.defaults()
            .withPayments(new PaymentSettings(true, new PaymentTerms(MINUTE, 250, 3), "USD", 100)));
    private final TestOutputTopic<String, Payment> paymentsOut = engine.driver.createOutputTopic(
            engine.topics.payments.name(), engine.topics.payments.keySerde().deserializer(),
            engine.topics.payments.valueSerde().deserializer());
    private final List<Payment> payments = new ArrayList<>();

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void aPlacementLocksAPeriodThatIsReleasedWhenItEndsAndSettledProRataOnRelease() {
        fund("c1", "10", r -> r.setStellarAddress(ADDRESS));
        engine.register("u1", "p1", "eu-west-1", 100, "1.20").place("d1", "c1", 100).confirmAll();
        final long perHour = micros(engine.last("d1").getPricePerHour().getAmount());
        final long period = PaymentTerms.cost(perHour, MINUTE);
        assertThat(period).isPositive();
        assertThat(read()).extracting(Payment::getKind).containsExactly(PaymentKind.DEPOSITED, PaymentKind.LOCKED);
        assertThat(last().getAmount().getAmount()).isEqualByComparingTo(BigDecimal.valueOf(period, 6));
        assertThat(last().getConsumerLockedMicros()).isEqualTo(period);

        engine.advance(Duration.ofSeconds(61));
        assertThat(read()).extracting(Payment::getKind).containsExactly(PaymentKind.RELEASED, PaymentKind.FEE,
                PaymentKind.LOCKED);

        engine.advance(Duration.ofSeconds(20)).release("r1", "c1", "d1");
        assertThat(read()).extracting(Payment::getKind).containsExactly(PaymentKind.RELEASED, PaymentKind.FEE,
                PaymentKind.REFUNDED);
        assertThat(last().getConsumerLockedMicros()).isZero();
        assertBooks();
    }

    @Test
    void aConsumerWithoutFundsIsRejectedUpFront() {
        engine.register("u1", "p1", "eu-west-1", 100, "1.20").place("d1", "broke", 10);
        assertThat(engine.last("d1").getStatus()).isEqualTo(AllocationStatus.REJECTED);
        assertThat(engine.last("d1").getReason()).isEqualTo(ReasonCode.INSUFFICIENT_FUNDS);
        assertThat(read()).isEmpty();
        // once it deposits, it is placed
        fund("broke", "5", r -> { });
        engine.place("d2", "broke", 10);
        assertThat(engine.last("d2").getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertBooks();
    }

    @Test
    void aConsumerWhoCannotCoverThePeriodIsPlacedThenReleasedForWantOfFunds() {
        // 0.000001 is something, but not a minute at 1.20/h for 100 GB
        fund("poor", "0.000001", r -> { });
        engine.register("u1", "p1", "eu-west-1", 100, "1.20").place("d1", "poor", 100);
        assertThat(read()).extracting(Payment::getKind).containsExactly(PaymentKind.DEPOSITED, PaymentKind.LOCK_REFUSED);
        assertThat(last().getReason()).isEqualTo("INSUFFICIENT_FUNDS");
        assertThat(engine.allocations).filteredOn(a -> "d1".equals(a.getAllocationId()))
                .extracting(a -> a.getStatus()).containsSubsequence(AllocationStatus.PLACED, AllocationStatus.RELEASED);
        assertThat(engine.unit("u1").reservations()).isEmpty();
        assertBooks();
    }

    @Test
    void aBreachedSlaSlashesTheProvidersStakeAndRefundsThePeriod() {
        engine.sla(Sla.newBuilder().setSlaId("gold").setMaxLatencyMillis(50).setMinAvailability(0.9)
                .setPenaltyPercent(50).setWindowMillis(MINUTE).setUpdatedAt(Instant.EPOCH).build());
        fund("c1", "10", r -> { });
        fund("p1", "5", r -> r.setType(FundsRequestType.STAKE));
        engine.register("u1", "p1", "eu-west-1", 100, "1.20").place("d1", "c1", 100, d -> d.setSlaId("gold"))
                .confirmAll();
        read();
        for (int i = 0; i < 10; i++) {
            engine.heartbeat("u1", 400.0, true);
        }
        assertThat(read()).singleElement().satisfies(p -> {
            assertThat(p.getKind()).isEqualTo(PaymentKind.SLASHED);
            assertThat(p.getProviderId()).isEqualTo("p1");
            assertThat(p.getAmount().getAmount()).isPositive();
        });
        engine.advance(Duration.ofSeconds(61));
        assertThat(read()).extracting(Payment::getKind).startsWith(PaymentKind.REFUNDED, PaymentKind.LOCKED);
        assertBooks();
    }

    @Test
    void repeatedBreachesMakeTheProviderIneligibleUntilASlashIsReversed() {
        engine.close();
        try (EngineHarness strict = new EngineHarness(EngineSettings.defaults().withPayments(new PaymentSettings(true,
                new PaymentTerms(MINUTE, 250, 2, 10 * MINUTE), "USD", 100)))) {
            final TestOutputTopic<String, Payment> out = strict.driver.createOutputTopic(strict.topics.payments.name(),
                    strict.topics.payments.keySerde().deserializer(), strict.topics.payments.valueSerde().deserializer());
            strict.sla(Sla.newBuilder().setSlaId("gold").setMaxLatencyMillis(50).setMinAvailability(0.9)
                    .setPenaltyPercent(50).setWindowMillis(MINUTE).setUpdatedAt(Instant.EPOCH).build());
            for (final String[] funds : new String[][] {{"c1", "DEPOSIT"}, {"p1", "STAKE"}}) {
                strict.input(strict.topics.funds).pipeInput(funds[0], FundsRequest.newBuilder().setRequestId("r-" + funds[0])
                        .setType(FundsRequestType.valueOf(funds[1])).setAccountId(funds[0]).setAmount("100").setCurrency("USD")
                        .setRequestedAt(strict.now()).build());
            }
            strict.register("u1", "p1", "eu-west-1", 100, "1.00").place("d1", "c1", 10, d -> d.setSlaId("gold"))
                    .place("d2", "c1", 10, d -> d.setSlaId("gold")).confirmAll();
            for (int i = 0; i < 10; i++) {
                strict.heartbeat("u1", 400.0, true);
            }
            final List<Payment> slashes = out.readValuesToList().stream().filter(p -> p.getKind() == PaymentKind.SLASHED)
                    .toList();
            assertThat(slashes).as("two allocations breached: two breaches, the threshold").hasSize(2);
            strict.register("u2", "p2", "eu-west-1", 100, "3.00");
            for (int i = 0; i < 10; i++) {
                strict.heartbeat("u1", 5.0, true);
            }
            strict.place("d3", "c1", 10);
            assertThat(strict.last("d3").getDataUnitId()).as("p1 is ineligible: the dearer unit of p2").isEqualTo("u2");

            strict.input(strict.topics.funds).pipeInput(slashes.get(0).getPaymentId(), FundsRequest.newBuilder()
                    .setRequestId("undo").setType(FundsRequestType.REVERSE_SLASH).setAccountId(slashes.get(0).getPaymentId())
                    .setRequestedBy("operator").setRequestedAt(strict.now()).build());
            strict.place("d4", "c1", 10);
            assertThat(strict.last("d4").getDataUnitId()).as("one breach left: p1 eligible, and cheaper, again").isEqualTo("u1");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "negative deposit|DEPOSIT|-5|USD|amount",
        "malformed amount|DEPOSIT|1e3|USD|amount",
        "more than 7 decimals|DEPOSIT|1.00000001|USD|amount",
        "a 7th decimal the ledger cannot keep|DEPOSIT|1.0000001|USD|amount",
        "zero|STAKE|0|USD|amount",
        "unknown currency|DEPOSIT|10|EUR|currency",
        "invalid Stellar address|DEPOSIT|10|USD|stellarAddress",
        "unknown type|UNKNOWN|10|USD|type"})
    void aBadFundsRequestIsDeadLetteredNamingTheField(final String name, final FundsRequestType type, final String amount,
                                                      final String currency, final String field) {
        fund("c1", amount, r -> {
            r.setType(type).setCurrency(currency);
            if ("stellarAddress".equals(field)) {
                r.setStellarAddress(ADDRESS.substring(0, 55) + "A");
            }
        });
        engine.drain();
        assertThat(engine.deadLetters).singleElement().satisfies(letter -> {
            assertThat(header(letter, "orchestrator.error.field")).isEqualTo(field);
            assertThat(header(letter, "orchestrator.error.reason")).isEqualTo("INVALID_INPUT");
        });
        assertThat(read()).isEmpty();
        fund("c1", "1", r -> r.setRequestId("good"));
        assertThat(read()).as("the stream goes on").extracting(Payment::getKind).containsExactly(PaymentKind.DEPOSITED);
    }

    /** Inputs on the ledger's own topic that neither the engine nor the funds intake would send. */
    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> craftedLedgerInputs() {
        final long now = Instant.now().toEpochMilli();
        return java.util.stream.Stream.of(
                crafted("no consumer", "consumerId", new LedgerInput.Change("x1", null, "p1", "u1", "", 1_000_000, "PLACED", 1, now)),
                crafted("an action nobody sends", "action", new LedgerInput.Change("x1", "c1", "p1", "u1", "", 1, "STOLEN", 1, now)),
                crafted("a negative price", "pricePerHourMicros", new LedgerInput.Change("x1", "c1", "p1", "u1", "", -1, "PLACED", 1, now)),
                crafted("a time past year 9999", "at", new LedgerInput.Change("x1", "c1", "p1", "u1", "", 1, "PLACED", 1,
                        Long.MAX_VALUE - 1)),
                crafted("a penalty of 1000%", "penaltyPercent", new LedgerInput.Breach("x1", "u1", 60_000, 1_000, now)),
                crafted("a window of 0", "windowMillis", new LedgerInput.Breach("x1", "u1", 0, 10, now)),
                crafted("a negative deposit", "micros", new LedgerInput.Funds(LedgerInput.Funds.Kind.DEPOSIT, "c1", Long.MIN_VALUE,
                        null, "r1", "", now)),
                crafted("a stake more than Stellar can hold", "micros", new LedgerInput.Funds(
                        LedgerInput.Funds.Kind.STAKE, "p9", Long.MAX_VALUE / 10 + 1, null, "r2", "", now)),
                crafted("no kind of funds", "kind", new LedgerInput.Funds(null, "c1", 5, null, "r3", "", now)),
                crafted("a 300-character payment id", "paymentId", new LedgerInput.Reverse("x".repeat(300), "ops", now)),
                crafted("a drift without a report id", "reportId", new LedgerInput.Drift("p", "what", null, now)));
    }

    private static org.junit.jupiter.params.provider.Arguments crafted(final String name, final String field, final LedgerInput input) {
        return org.junit.jupiter.params.provider.Arguments.of(name, field, input);
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("craftedLedgerInputs")
    void aCraftedLedgerInputIsDeadLetteredAndNothingMoves(final String name, final String field, final LedgerInput input) {
        fund("c1", "10", r -> { });
        engine.register("u1", "p1", "eu-west-1", 100, "1.20").place("d1", "c1", 100).confirmAll();
        read();
        engine.driver.createInputTopic(engine.topics.ledger.name(), new org.apache.kafka.common.serialization.StringSerializer(),
                InternalSerde.of(LedgerInput.class).serializer()).pipeInput(input.key(), input);
        engine.drain();
        assertThat(engine.deadLetters).singleElement().satisfies(letter -> {
            assertThat(header(letter, "orchestrator.error.field")).isEqualTo(field);
            assertThat(header(letter, "orchestrator.error.reason")).isEqualTo("INVALID_INPUT");
            assertThat(header(letter, "orchestrator.error.topic")).isEqualTo(engine.topics.ledger.name());
        });
        assertThat(read()).as("nothing moved").isEmpty();
        fund("c1", "1", r -> r.setRequestId("after"));
        assertThat(read()).as("the ledger goes on").extracting(Payment::getKind).containsExactly(PaymentKind.DEPOSITED);
        engine.advance(Duration.ofMinutes(1));
        assertBooks();
    }

    @Test
    void depositsBeyondWhatTheLedgerCanCountAreRefusedWholeAndTheBooksStayBalanced() {
        final var ledgerIn = engine.driver.createInputTopic(engine.topics.ledger.name(),
                new org.apache.kafka.common.serialization.StringSerializer(), InternalSerde.of(LedgerInput.class).serializer());
        for (int i = 0; i < 12; i++) {
            // each as large as one Stellar amount may be: ten fill the ledger's count of deposits, the next overflow it
            final LedgerInput deposit = new LedgerInput.Funds(LedgerInput.Funds.Kind.DEPOSIT, i < 5 ? "c8" : "c9",
                    Long.MAX_VALUE / 10, null, "big-" + i, "", engine.now().toEpochMilli());
            ledgerIn.pipeInput(deposit.key(), deposit);
        }
        engine.drain();
        assertThat(read()).as("ten fit in the totals").hasSize(10).last()
                .satisfies(p -> assertThat(p.getConsumerAvailableMicros()).isEqualTo(5 * (Long.MAX_VALUE / 10)));
        assertThat(engine.deadLetters).hasSizeGreaterThanOrEqualTo(2).allSatisfy(letter ->
                assertThat(header(letter, "orchestrator.error.message")).contains("overflow"));
        fund("p1", "1", r -> r.setType(FundsRequestType.STAKE).setRequestId("after"));
        assertThat(read()).as("nor does a stake fit").isEmpty();
        engine.register("u1", "p1", "eu-west-1", 100, "1.20").place("d1", "c8", 100).confirmAll();
        assertThat(read()).as("the ledger goes on").extracting(Payment::getKind).containsExactly(PaymentKind.LOCKED);
        assertBooks();
    }

    @Test
    void aDriftReportedBySettlementIsRecordedOnceAndMovesNothing() {
        fund("c1", "10", r -> { });
        final String deposit = read().get(0).getPaymentId();
        for (int i = 0; i < 2; i++) {
            engine.input(engine.topics.funds).pipeInput(deposit, FundsRequest.newBuilder().setRequestId("drift-1")
                    .setType(FundsRequestType.DRIFT).setAccountId(deposit).setDetail("escrow no longer on chain")
                    .setRequestedAt(engine.now()).build());
        }
        assertThat(read()).singleElement().satisfies(p -> {
            assertThat(p.getKind()).isEqualTo(PaymentKind.DRIFT);
            assertThat(p.getReason()).isEqualTo("escrow no longer on chain");
            assertThat(p.getConsumerId()).isEqualTo("c1");
            assertThat(p.getAmount().getAmount()).isZero();
        });
        assertBooks();
    }

    @Test
    void aRepeatedRequestIdDepositsOnce() {
        fund("c1", "10", r -> { });
        fund("c1", "10", r -> { });
        assertThat(read()).hasSize(1);
    }

    private void fund(final String account, final String amount, final Consumer<FundsRequest.Builder> change) {
        final FundsRequest.Builder request = FundsRequest.newBuilder().setRequestId("req-" + account)
                .setType(FundsRequestType.DEPOSIT).setAccountId(account).setAmount(amount).setCurrency("USD")
                .setRequestedAt(engine.now());
        change.accept(request);
        engine.input(engine.topics.funds).pipeInput(account, request.build());
        engine.drain();
    }

    private List<Payment> read() {
        final List<Payment> fresh = paymentsOut.readValuesToList();
        payments.addAll(fresh);
        return fresh;
    }

    private Payment last() {
        return payments.get(payments.size() - 1);
    }

    private void assertBooks() {
        read();
        final Books books = new Books();
        payments.stream().map(PaymentRecords::movement).forEach(books::apply);
        assertThat(books.problems()).isEmpty();
        assertThat(books.accountedFor()).isEqualTo(books.cameIn());
    }

    private static long micros(final BigDecimal amount) {
        return amount.movePointRight(6).longValueExact();
    }

    private static String header(final TestRecord<byte[], byte[]> record, final String name) {
        final org.apache.kafka.common.header.Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
