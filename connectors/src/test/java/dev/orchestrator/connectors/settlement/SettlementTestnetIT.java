package dev.orchestrator.connectors.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.Payment;
import dev.orchestrator.avro.PaymentKind;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.stellar.sdk.AssetTypeNative;
import org.stellar.sdk.KeyPair;
import org.stellar.sdk.Network;

/**
 * The settlement flow against the public Stellar testnet, for those with network access (this
 * machine has none, so it is skipped unless {@code ORCH_TESTNET=1}): two friendbot-funded accounts,
 * a period's escrow locked as a claimable balance, released to the provider as a claimable balance
 * it may claim, another locked and refunded; each transaction found by its hash, the escrows
 * reclaimed, the payout open, and settling the same payments again submits nothing.
 * <pre>ORCH_TESTNET=1 mvn -B -pl connectors -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=SettlementTestnetIT</pre>
 */
@Tag("testnet")
@EnabledIfEnvironmentVariable(named = "ORCH_TESTNET", matches = "1")
class SettlementTestnetIT {
    private static final String HORIZON = "https://horizon-testnet.stellar.org";
    private static final String FRIENDBOT = "https://friendbot.stellar.org/?addr=";
    /** Allocation ids of this run, so memos never repeat an earlier run's. */
    private static final String RUN = "-" + Long.toString(System.currentTimeMillis(), 36);

    @Test
    void aPeriodIsEscrowedReleasedAndRefundedOnTheTestnetOnce() throws Exception {
        final KeyPair platform = KeyPair.random();
        final KeyPair provider = KeyPair.random();
        fund(platform.getAccountId());
        fund(provider.getAccountId());
        final SettlerTest.MapStore store = new SettlerTest.MapStore();
        final SettlementPlan plan = new SettlementPlan(store, 3_600);
        try (SdkHorizon horizon = new SdkHorizon(HORIZON)) {
            final Settler settler = new Settler(horizon, store, new EscrowTransactions(Network.TESTNET, new AssetTypeNative(),
                    platform), Clock.systemUTC(), new Settler.Timing(60, 5, 2_000), Settler.Crash.NEVER);
            final long now = Instant.now().getEpochSecond();
            final SettlementRecord lock = settler.settle(plan.of(payment("t1", 1, PaymentKind.LOCKED, "1"), null, now));
            final SettlementRecord release = settler.settle(plan.of(payment("t1", 1, PaymentKind.RELEASED, "0.9"),
                    provider.getAccountId(), now));
            final SettlementRecord lock2 = settler.settle(plan.of(payment("t2", 1, PaymentKind.LOCKED, "0.5"), null, now));
            final SettlementRecord refund = settler.settle(plan.of(payment("t2", 1, PaymentKind.REFUNDED, "0.5"), null, now));
            for (final SettlementRecord record : new SettlementRecord[] {lock, release, lock2, refund}) {
                assertThat(record.state()).as(record.paymentId()).isEqualTo(SettlementRecord.State.LANDED);
                assertThat(horizon.find(record.hash())).as(record.paymentId()).contains(true);
            }
            assertThat(horizon.balanceOpen(lock.balanceId())).as("the first escrow was reclaimed by the release").isFalse();
            assertThat(horizon.balanceOpen(lock2.balanceId())).as("the second escrow was reclaimed by the refund").isFalse();
            final long sequence = horizon.sequence(platform.getAccountId());
            assertThat(settler.settle(plan.of(payment("t1", 1, PaymentKind.RELEASED, "0.9"), provider.getAccountId(), now)))
                    .isEqualTo(release);
            assertThat(horizon.sequence(platform.getAccountId())).as("settled again: nothing submitted").isEqualTo(sequence);
            // the identical envelope once more: Horizon answers with its result or tx_bad_seq, and it stays one transaction
            assertThat(horizon.submit(release.envelopeXdr()).outcome()).isIn(Horizon.Submitted.LANDED,
                    Horizon.Submitted.BAD_SEQUENCE);
            assertThat(horizon.sequence(platform.getAccountId())).isEqualTo(sequence);
        }
    }

    private static void fund(final String account) throws Exception {
        final HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(FRIENDBOT + account))
                .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("friendbot: %s", answer.body()).isEqualTo(200);
    }

    private static Payment payment(final String allocation, final int period, final PaymentKind kind, final String amount) {
        return Payment.newBuilder().setPaymentId("a:" + allocation + RUN + "/p" + period + "/" + kind).setSequence(1).setKind(kind).setAmount(new Money(new BigDecimal(amount).setScale(6), "XLM"))
                .setConsumerId("c1").setProviderId("p1").setAllocationId(allocation + RUN).setPeriod(period).setAt(Instant.now()).build();
    }
}
